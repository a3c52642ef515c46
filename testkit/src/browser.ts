import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (npx playwright install cannot download browsers here). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface LaunchOptions {
  /** WAV played by the fake microphone; once (`%noloop`) unless `loop`. */
  micWav?: string;
  loop?: boolean;
  /** Deny microphone permission instead of granting it. */
  denyMic?: boolean;
}

export interface LaunchedBrowser {
  browser: Browser;
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fake microphone playing `micWav`, fake media UI, autoplay allowed,
 * no network noise, loopback WebRTC allowed. Playwright gives every launch a fresh temporary
 * profile (its equivalent of `--user-data-dir`), removed on close.
 */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-device-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
  ];
  // Fake UI accepts every permission prompt; without it, a prompt for an ungranted permission is denied.
  args.push(opts.denyMic ? '--deny-permission-prompts' : '--use-fake-ui-for-media-stream');
  if (opts.micWav) args.push(`--use-file-for-fake-audio-capture=${opts.micWav}${opts.loop ? '' : '%noloop'}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  const context = await browser.newContext({ permissions: opts.denyMic ? [] : ['microphone'] });
  return {
    browser,
    context,
    async close() {
      await browser.close().catch(() => {});
    },
  };
}
