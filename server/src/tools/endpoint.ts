import type { EndpointToolRequest, ToolEndpoint } from '@voice-widget/protocol';
import { ToolResult } from '@voice-widget/protocol';
import { SIGNATURE_HEADER, signPayload } from './signature.ts';

/** Largest reply a customer endpoint may send, bytes. */
export const MAX_ENDPOINT_REPLY_BYTES = 16 * 1024;

/** A customer endpoint failed; `retryable` when another attempt may help (network, 5xx, timeout). */
export class EndpointError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * POSTs `body` (JSON text) to `endpoint`, signed with `secret` (signature.ts) and with any extra
 * headers (an `Idempotency-Key`), within the endpoint's timeout; once more on a retryable failure
 * (network error, timeout, 5xx, 429). Returns the 2xx reply's text and how many attempts it took.
 * @throws EndpointError when both attempts fail, or at once on another status or a reply over
 * {@link MAX_ENDPOINT_REPLY_BYTES}.
 */
export async function postSigned(
  endpoint: ToolEndpoint,
  secret: string,
  body: string,
  headers: Record<string, string> = {},
  fetchImpl: typeof fetch = fetch,
): Promise<{ text: string; attempts: number }> {
  let last: EndpointError | null = null;
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const res = await fetchImpl(endpoint.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers, [SIGNATURE_HEADER]: signPayload(secret, body) },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(endpoint.timeoutMs),
      });
      const text = await res.text();
      if (!res.ok) throw new EndpointError(`endpoint answered ${res.status}`, res.status >= 500 || res.status === 429);
      if (text.length > MAX_ENDPOINT_REPLY_BYTES) throw new EndpointError('endpoint reply too large', false);
      return { text, attempts: attempt };
    } catch (err) {
      last = err instanceof EndpointError ? err : new EndpointError(`endpoint unreachable: ${(err as Error).message}`, true);
      if (!last.retryable) throw last;
    }
  }
  throw last!;
}

/**
 * POSTs a tool call to the customer's endpoint ({@link postSigned}) with the call's idempotency
 * key in `Idempotency-Key`: the endpoint must apply a key's change once and answer a repeat with
 * the first result. Returns the endpoint's JSON object with a `say` (a generic one when it has
 * none) and how many attempts it took.
 * @throws EndpointError when both attempts fail, or at once on a 4xx or a reply that is not a JSON object.
 */
export async function callEndpoint(
  endpoint: ToolEndpoint,
  secret: string,
  request: EndpointToolRequest,
  fetchImpl: typeof fetch = fetch,
): Promise<{ result: ToolResult; attempts: number }> {
  const headers: Record<string, string> = request.idempotencyKey ? { 'Idempotency-Key': request.idempotencyKey } : {};
  const { text, attempts } = await postSigned(endpoint, secret, JSON.stringify(request), headers, fetchImpl);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EndpointError('endpoint reply is not JSON', false);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new EndpointError('endpoint reply is not a JSON object', false);
  const parsed = ToolResult.safeParse({ say: 'Done.', ...(json as Record<string, unknown>) });
  if (!parsed.success) throw new EndpointError('endpoint reply has an invalid "say"', false);
  return { result: parsed.data, attempts };
}
