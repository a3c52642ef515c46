import type { Stack } from '@voice-widget/stack';
import type { CategoryRule } from '../cpu-ledger.ts';

/**
 * The parts of one call, as the latency benchmark's CPU ledger names them (first match wins; a
 * process none matches takes its nearest ancestor's category). `bench` is the benchmark's own
 * process (Playwright's driver and the impairing UDP relay).
 */
export function stackCpuRules(stack: Stack, pgPid: number | undefined): CategoryRule[] {
  const service = (name: string) => stack.services.find((s) => s.name === name)?.child.pid;
  const byPid = (pid: number | undefined, category: string): CategoryRule => ({ category, match: (p) => pid !== undefined && p.pid === pid });
  return [
    { category: 'recognizer (PocketSphinx processes)', match: (p) => p.comm.startsWith('pocketsphinx') || /\bpocketsphinx_/.test(p.args) },
    { category: 'TTS (eSpeak NG processes)', match: (p) => p.comm === 'espeak-ng' },
    { category: 'agent job process', match: (p) => p.args.includes('job_proc_lazy_main') },
    { category: 'end-of-turn model (inference process)', match: (p) => p.args.includes('inference_proc_lazy_main') },
    { category: 'caller page (renderer: widget, VAD, WebRTC)', match: (p) => p.comm.includes('chrom') && p.args.includes('--type=renderer') },
    { category: 'caller browser: audio service', match: (p) => p.comm.includes('chrom') && p.args.includes('AudioService') },
    { category: 'caller browser: GPU, network, main', match: (p) => p.comm.includes('chrom') },
    byPid(service('local-realtime'), 'local model (own process)'),
    byPid(service('agent-worker'), 'agent worker main'),
    byPid(service('livekit-server'), 'livekit-server'),
    byPid(service('server'), 'API server'),
    byPid(service('demo-site'), 'demo site (Vite)'),
    byPid(pgPid, 'PostgreSQL'),
    byPid(process.pid, 'bench driver (Playwright, UDP relay)'),
  ];
}
