#!/usr/bin/env -S npx tsx
import { parseArgs } from 'node:util';
import type { Level } from 'pino';
import { start } from './server.ts';

/**
 * Runs the local realtime model alone (the stack starts it this way, as its own service):
 *   LOCAL_REALTIME_API_KEY=… pnpm --filter @voice-widget/local-realtime start -- --port 8765 --ttfa-ms 300
 */
const HELP = `local-realtime: offline OpenAI-Realtime-compatible voice model

Options:
  --host <addr>            interface to listen on (default 127.0.0.1)
  --port <n>               TCP port (default 8765; 0 = any free port)
  --ttfa-ms <ms>           emulated time to first audio: first audio this long after response.created (default 0)
  --script <file.json>     dialogue script (default: built-in front-desk script)
  --api-key <key>          key clients must present; better: the environment variable LOCAL_REALTIME_API_KEY
                           (not visible in the process list). One of the two is required.
  --output-lead-ms <ms>    how far reply audio may run ahead of real time (default 500; "inf" = no pacing)
  --asr-pool <n>           PocketSphinx processes kept warm (default 2)
  --max-sessions <n>       concurrent sessions (default 16; more get HTTP 503)
  --no-asr                 cloud stand-in: no speech recognition; every turn is heard as --no-asr-transcript
  --no-asr-transcript <t>  what every turn is heard as with --no-asr (default "hello")
  --log-level <level>      fatal|error|warn|info|debug|trace|silent (default info)
  -h, --help               this text`;

function number(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === 'inf' || value === 'Infinity') return Infinity;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number, got "${value}"`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--') argv.shift(); // `pnpm start -- --port …` passes the separator through
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'ttfa-ms': { type: 'string' },
      script: { type: 'string' },
      'api-key': { type: 'string' },
      'output-lead-ms': { type: 'string' },
      'asr-pool': { type: 'string' },
      'max-sessions': { type: 'string' },
      'no-asr': { type: 'boolean' },
      'no-asr-transcript': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const apiKey = values['api-key'] ?? process.env.LOCAL_REALTIME_API_KEY;
  if (!apiKey) {
    console.error('local-realtime: a key is required: set LOCAL_REALTIME_API_KEY (or pass --api-key); clients send it as "Authorization: Bearer <key>"');
    process.exit(2);
  }
  const maxSessions = values['max-sessions'] === undefined ? undefined : Math.max(1, Math.floor(number('max-sessions', values['max-sessions'], 16)));
  const server = await start({
    host: values.host ?? '127.0.0.1',
    port: number('port', values.port, 8765),
    ttfaMs: number('ttfa-ms', values['ttfa-ms'], 0),
    script: values.script,
    apiKey,
    outputLeadMs: number('output-lead-ms', values['output-lead-ms'], 500),
    asrPoolSize: number('asr-pool', values['asr-pool'], 2),
    limits: maxSessions === undefined ? undefined : { maxSessions },
    fixedTranscript: values['no-asr'] ? (values['no-asr-transcript'] ?? 'hello') : undefined,
    logLevel: (values['log-level'] ?? 'info') as Level,
  });
  console.error(`local-realtime listening: baseURL ${server.baseURL}  (WebSocket ${server.url})${values['no-asr'] ? '  [cloud stand-in: no ASR]' : ''}`);
  const shutdown = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  console.error(`local-realtime: ${(e as Error).message}`);
  process.exit(1);
});
