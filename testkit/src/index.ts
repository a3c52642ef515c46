/** What e2e tests and benchmarks share (`@voice-widget/testkit`). */
export { launchBrowser, CHROMIUM, type LaunchedBrowser, type LaunchOptions } from './browser.ts';
export { callerWav, noiseBurstWav, speechOnsetMs, RECORDINGS, TESTDATA, type RecordingName, type Segment } from './audio.ts';
export {
  instrument,
  playIntoMic,
  routeMicFiles,
  serveHostPages,
  settleCall,
  startCall,
  waitForAgentAudible,
  waitForAgentQuiet,
  widgetEvents,
  type RecordedEvent,
} from './widget-page.ts';
export { ImpairedUdpRelay, NETWORK_PROFILES, type DirectionStats, type NetworkName, type NetworkProfile, type RelayStats } from './udp-relay.ts';
export { hookPeerConnections, pageNetworkStats, type PageNetworkStats } from './page-network.ts';
export { baresipCall, callerWav8k, sipp, toUlaw, wavSeconds, type BaresipCall, type SippResult } from './sip.ts';
export { KNOWN_CALLER, LINE, type PhoneStack, startPhoneStack } from './sip-stack.ts';
export { jobPidForRoom, parentPid } from './agent-jobs.ts';
export { type ClusterCall, type ClusterCalls, clusterCalls, startTestCluster, until } from './cluster-calls.ts';
export { SyntheticCaller, loadUtterance, HINT_AFTER_MS, SAMPLE_RATE, type CallerTurn, type Utterance } from './synthetic-caller.ts';
export { checkoutSecretNeedles, logFilesUnder, scanLogs, type LogHit } from './log-scan.ts';
export { ProbeReport, type ProbeOutcome } from './probes.ts';
/** Releases rtc-node's native side (its FFI keeps the process alive otherwise); call once, at the end. */
export { dispose as disposeRtc } from '@livekit/rtc-node';
export { busyCalleeScenario, keypadScenario, rejectScenario, ringingCalleeScenario, sentinelCalleeScenario, transferScenario } from './sipp-scenarios.ts';
export { type BaresipAnswer, type Callee, startBaresipCallee, startSippCallee } from './sip-callee.ts';
export { openConsole, takeCall } from './console-page.ts';
export { toneWindows } from './tone.ts';
export { probeModelFromBrowser, type ModelProbeAttempt, type ModelProbeResult } from './model-probe.ts';
export { calleeSoundRuns, placeCall, pointOutboundTrunk, soundRuns, waitForOutbound, zoneWhereNowIs } from './outbound.ts';
