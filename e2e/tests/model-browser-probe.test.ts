import { join } from 'node:path';
import { REPO_ROOT, type RunningLocalModel, freeTcpPort, loadOrCreateSecret, startLocalModel } from '@voice-widget/stack';
import { probeModelFromBrowser } from '@voice-widget/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

/**
 * Abuse probe (issue 10): a web page on another origin must not reach the offline model, with or
 * without its key. The model runs as the stack runs it (its own service, the checkout's key).
 */
describe('the local model and web pages', () => {
  let model: RunningLocalModel;
  beforeAll(async () => {
    model = await startLocalModel({
      port: await freeTcpPort(),
      apiKey: loadOrCreateSecret('local-realtime'),
      logDir: join(REPO_ROOT, '.state', 'e2e-model-probe'),
      logLevel: 'warn',
    });
  });
  afterAll(async () => {
    await model?.service.stop();
  });

  it('refuses a Chromium page on another origin, without and with the key in the subprotocol', async () => {
    const wsUrl = `${model.url.replace(/^http/, 'ws')}/realtime`;
    const result = await probeModelFromBrowser({ modelWsUrl: wsUrl, apiKey: model.apiKey });
    for (const a of result.attempts) console.log(`[probe] page ${result.pageOrigin} → ${wsUrl} (${a.label}): opened ${a.opened}, events ${a.messages}, close ${a.closeCode}`);
    expect(result.attempts).toHaveLength(2);
    for (const a of result.attempts) {
      expect(a.opened, a.label).toBe(false);
      expect(a.messages, a.label).toBe(0);
      expect(a.closeCode, a.label).toBe(1006);
    }
    // The same key from a server-side client (no Origin) is let in: the refusal above is the Origin's.
    const ws = new WebSocket(`${wsUrl}?model=gpt-realtime`, { headers: { Authorization: `Bearer ${model.apiKey}` } });
    const first = await new Promise<{ type: string }>((resolve, reject) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d))));
      ws.once('error', reject);
    });
    ws.close();
    expect(first.type).toBe('session.created');
  });
});
