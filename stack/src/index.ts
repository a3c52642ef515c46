export { startStack, ensureConsoleBuilt, ensureWidgetBuilt, DEMO_PORTS, DEMO_SIP_PORTS, type Stack, type StackOptions } from './stack.ts';
export { loadOrCreateKeys, loadOrCreateSecret, type ApiKeys } from './keys.ts';
export { startLocalModel, type LocalModelOptions, type RunningLocalModel } from './local-model.ts';
export { resolveLiveKitBinaries, startLiveKitServer, type RunningLiveKit } from './livekit.ts';
export { spawnService, waitUntilReady, httpOk, type Service } from './service.ts';
export { freeTcpPort, freeTcpUdpPort, freeUdpRange } from './ports.ts';
export { REPO_ROOT, STATE_DIR, CACHE_DIR, pkgDir } from './paths.ts';
export { startPostgres, postgresBinDir, type RunningPostgres } from './postgres.ts';
export { startRedis, redisPing, startLiveKitSip, liveKitSipConfig, type RunningRedis, type RunningSip, type SipPorts } from './sip.ts';
