import { SigninLink } from '@voice-widget/protocol';
import type { Stack } from './stack.ts';

/**
 * A one-time dashboard sign-in link (15 minutes, one use) from the running stack's server, asked
 * through the admin API with the stack's operator key (`POST /api/admin/signin-links`).
 * @throws Error with the server's answer when it refuses.
 */
export async function dashboardSigninLink(stack: Pick<Stack, 'serverUrl' | 'adminKey'>): Promise<SigninLink> {
  const res = await fetch(new URL('/api/admin/signin-links', stack.serverUrl), {
    method: 'POST',
    headers: { Authorization: `Bearer ${stack.adminKey}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`sign-in link refused: HTTP ${res.status} ${await res.text()}`);
  return SigninLink.parse(await res.json());
}
