import { join } from 'node:path';
import { REPO_ROOT, startStack } from '@voice-widget/stack';
import { callerWav, instrument, launchBrowser, widgetEvents } from '@voice-widget/e2e';
const stack = await startStack({ ephemeral: true, dir: join(REPO_ROOT, '.state', 'dbg-greet'), agentEnv: { LOG_LEVEL: 'debug', LOCAL_REALTIME_TTFA_MS: '300', ...(process.env.PROF ? { NODE_OPTIONS: '--cpu-prof --cpu-prof-dir=/tmp/prof' } : {}) } });
try {
  const browser = await launchBrowser({ micWav: callerWav('greeting-silence', [{ silenceS: 20 }]) });
  await instrument(browser.context);
  for (let i = 0; i < 3; i++) {
    const page = await browser.context.newPage();
    page.on('request', (r) => { if (/api\/sessions|voice-session|vad|\.onnx|\.wasm/.test(r.url())) console.log('req', Date.now() % 100000, r.url().slice(-40)); });
    await page.goto(stack.demoUrl!);
    const talk = page.locator('voice-agent [data-testid=talk]');
    await talk.waitFor();
    await talk.hover(); await page.waitForTimeout(400);
    const click = Date.now(); console.log('click', click % 100000);
    await talk.click();
    await page.waitForTimeout(6000);
    for (const e of await widgetEvents(page)) if (e.type !== 'transcript') console.log(e.type, Math.round(e.t) % 100000, JSON.stringify(e.detail).slice(0, 80));
    await page.close(); await new Promise((r) => setTimeout(r, 1500));
  }
  await browser.close();
} finally { await stack.stop(); }
