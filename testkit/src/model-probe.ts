import { type LaunchedBrowser, launchBrowser } from './browser.ts';
import { serveHostPages } from './widget-page.ts';

/** What one `new WebSocket(…)` from a web page to the model came to. */
export interface ModelProbeAttempt {
  /** `no key` or `key in subprotocol`. */
  label: string;
  /** The socket reached `open`: the model let a web page in. */
  opened: boolean;
  /** Events the model sent the page (e.g. `session.created`). */
  messages: number;
  /** `CloseEvent.code` (1006 when the upgrade was refused), or null if it never closed. */
  closeCode: number | null;
}

export interface ModelProbeResult {
  /** Origin of the page that tried (another origin than the model's). */
  pageOrigin: string;
  attempts: ModelProbeAttempt[];
}

/**
 * The abuse probe "a web page connects to the local model" (issue 10): a real headless Chromium
 * page served from its own origin on 127.0.0.1 runs `new WebSocket(modelWsUrl, protocols)` once
 * without a key and once with the key in the `openai-insecure-api-key.<key>` subprotocol (the only
 * way a browser can send one). A safe model refuses both: neither opens nor sends an event.
 * `modelWsUrl`: `ws://127.0.0.1:PORT/v1/realtime`. Waits at most ~5 s per attempt.
 */
export async function probeModelFromBrowser(opts: { modelWsUrl: string; apiKey: string; browser?: LaunchedBrowser }): Promise<ModelProbeResult> {
  const host = await serveHostPages({ '/': '<!doctype html><title>another site</title><p>probe</p>' });
  const browser = opts.browser ?? (await launchBrowser());
  try {
    const page = await browser.context.newPage();
    await page.goto(`${host.url}/`);
    const attempts: ModelProbeAttempt[] = [];
    for (const [label, protocols] of [
      ['no key', ['realtime']],
      ['key in subprotocol', ['realtime', `openai-insecure-api-key.${opts.apiKey}`]],
    ] as const) {
      const seen = await page.evaluate(
        ({ url, protocols }) =>
          new Promise<{ opened: boolean; messages: number; closeCode: number | null }>((resolve) => {
            const r = { opened: false, messages: 0, closeCode: null as number | null };
            const ws = new WebSocket(url, [...protocols]);
            const finish = () => resolve(r);
            ws.onopen = () => {
              r.opened = true;
              setTimeout(() => (ws.close(), finish()), 500); // long enough for session.created
            };
            ws.onmessage = () => r.messages++;
            ws.onclose = (e) => {
              r.closeCode = e.code;
              if (!r.opened) finish();
            };
            setTimeout(finish, 5_000);
          }),
        { url: opts.modelWsUrl, protocols },
      );
      attempts.push({ label, ...seen });
    }
    await page.close();
    return { pageOrigin: host.url, attempts };
  } finally {
    if (!opts.browser) await browser.close();
    await host.close();
  }
}
