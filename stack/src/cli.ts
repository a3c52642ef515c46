/**
 * `npm run demo`: starts the whole stack on loopback and prints the demo URL; Ctrl-C stops it.
 * Logs go to .state/stack/logs/*.log (add `--verbose` to echo them here).
 * `--cluster`: two LiveKit nodes, two servers, two workers (cluster-demo.ts).
 */
import { readFileSync } from 'node:fs';
import { dashboardSigninLink } from './operator.ts';
import { demoLineFromEnv, provisionDemoLine } from './sip-demo.ts';
import { stopOnSignals } from './service.ts';
import { startStack } from './stack.ts';
import { runClusterDemo } from './cluster-demo.ts';

const [command, ...flags] = process.argv.slice(2);
if (command !== 'demo') {
  console.error('usage: tsx src/cli.ts demo [--verbose] [--sip | --cluster]');
  process.exit(2);
}
if (flags.includes('--cluster')) {
  await runClusterDemo({ echo: flags.includes('--verbose') });
  await new Promise(() => {}); // runs until Ctrl-C (runClusterDemo exits the process)
}

const t0 = Date.now();
const sip = flags.includes('--sip'); // phone callers too (issue 6)
const stack = await startStack({
  echo: flags.includes('--verbose'),
  sip,
  sipNetwork: { listenIp: process.env.SIP_LISTEN_IP, externalIp: process.env.SIP_EXTERNAL_IP },
}).catch((err: Error) => {
  console.error(`\n${err.message}`);
  process.exit(1);
});
const line = demoLineFromEnv();
if (sip) {
  try {
    provisionDemoLine(stack, line);
  } catch (err) {
    console.error(`\nprovisioning the SIP line failed: ${(err as Error).message}`);
    await stack.stop();
    process.exit(1);
  }
}
const sipInfo = stack.sip
  ? `
  SIP URI:       sip:${line.number}@${process.env.SIP_EXTERNAL_IP ?? stack.sip.address.split(':')[0]}:${stack.sip.ports.sip}   (UDP/TCP; RTP ${stack.sip.ports.rtp.start}-${stack.sip.ports.rtp.end})
                 trunk "demo": from ${line.allowed.join(', ') || 'any address'}${line.auth ? `, digest user ${line.auth.user}` : ', no digest auth'}${line.transferTo ? `; transfers to ${line.transferTo}` : ''}
                 call it with any SIP phone, e.g. baresip: /dial sip:${line.number}@${stack.sip.address}
`
  : '';
const model = stack.model ? `local offline model at ${stack.model.url} (its own service; no OPENAI_API_KEY)` : 'OpenAI Realtime';
const signin = await dashboardSigninLink(stack).then(
  (l) => `${l.url}\n                 (one use, until ${new Date(l.expiresAt).toLocaleTimeString()}; a new one: pnpm --filter @voice-widget/server exec tsx src/cli.ts signin-link)`,
  (err: Error) => `not available (${err.message})`,
);
console.log(`
  Stack is up in ${((Date.now() - t0) / 1000).toFixed(1)} s — model: ${model}

  Demo page:     ${stack.demoUrl}
  Server API:    ${stack.serverUrl}   (widget: ${stack.serverUrl}/voice-widget.js)
  Dashboard:     ${signin}
  Operator key:  ${stack.adminKeyFile}   (the CLI uses it while the stack runs)
  LiveKit:       ${stack.livekitUrl}
  Logs:          .state/stack/logs/
${sipInfo}
  Open the demo page, press Talk, allow the microphone. Ctrl-C to stop.

  A person takes calls (warm hand-off) — in a second browser tab:
    1. open ${stack.serverUrl}/dashboard/console and sign in with Sam's console key:
       ${readFileSync(stack.consoleKeyFile, 'utf8').trim()}
    2. press "Go online" (a chime sounds for each new caller)
    3. in the demo tab, ask the assistant for a person ("can I talk to a person?")
    4. the caller appears in the queue with what the assistant knows: press "Take call" (or Enter)
    The assistant introduces Sam and leaves the conversation; Sam talks with the caller from this tab.
    (Nobody online, or nobody takes the call within 90 s: the assistant opens a callback case instead.)
`);
const { shutdown, stopping } = stopOnSignals(() => stack.stop());
for (const s of stack.services) {
  void s.exited.then((code) => {
    if (!stopping()) {
      console.error(`${s.name} exited (${code}); see ${s.logFile}. Stopping the stack.`);
      void shutdown();
    }
  });
}
