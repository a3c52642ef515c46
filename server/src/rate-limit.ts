import type { Request, RequestHandler } from 'express';
import { type Store, ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { HttpError } from './errors.ts';

/**
 * Request rate limits per client, in one place so the store is pluggable: one server keeps counts
 * in memory (express-rate-limit's MemoryStore); several servers pass a shared store (e.g.
 * `rate-limit-redis`) through {@link RateLimitStoreFactory}. Budgets that must survive restarts
 * (calls per IP per hour, concurrency, minutes) are counted in the database, not here.
 */

/** Makes the store of one named limiter (each limiter needs its own); undefined → in memory. */
export type RateLimitStoreFactory = (name: string) => Store | undefined;

/** IPv6 clients are counted per /64 (one customer's network), IPv4 per address. */
export const IPV6_SUBNET = 64;

/**
 * The key a client is counted under: its IP (`req.ip`, which honours `TRUST_PROXY`), IPv6
 * reduced to its /64 and IPv4-mapped IPv6 to the IPv4 address.
 */
export function clientKey(req: Pick<Request, 'ip'>): string {
  return ipKeyGenerator(req.ip ?? 'unknown', IPV6_SUBNET);
}

/** Options of {@link limitPerClient}. */
export interface ClientLimit {
  /** Name of the limiter (the store factory's argument). */
  name: string;
  /** Requests allowed per client per window. */
  limit: number;
  /** Window length, ms. Default one minute. */
  windowMs?: number;
  /** What the client is told on 429. */
  message?: string;
  /** What is counted; default the client's IP ({@link clientKey}). E.g. the demo link a request names. */
  key?: (req: Request) => string;
}

/**
 * A middleware allowing `limit` requests per client key (or `opts.key`) per window; beyond → 429
 * `rate_limited` through the error middleware, with `RateLimit-*` headers (draft 8).
 */
export function limitPerClient(opts: ClientLimit, stores?: RateLimitStoreFactory): RequestHandler {
  const windowMs = opts.windowMs ?? 60_000;
  const message = opts.message ?? `too many requests; try again in ${Math.ceil(windowMs / 60_000)} minute(s)`;
  return rateLimit({
    windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: opts.key ?? clientKey,
    store: stores?.(opts.name),
    handler: (_req, _res, next) => next(new HttpError(429, 'rate_limited', message)),
  });
}

/**
 * Parses `TRUST_PROXY` into Express's `trust proxy` setting: unset/empty/`0` → trust no proxy
 * (`req.ip` is the socket's address and `X-Forwarded-For` is ignored); otherwise a list of proxy
 * addresses or CIDRs (`10.0.0.0/8`, `::1`) or Express's names (`loopback`, `uniquelocal`) —
 * `X-Forwarded-For` entries are believed only as far as they were appended by those proxies.
 * @throws Error naming a malformed entry.
 */
export function trustProxySetting(value: string | undefined): false | string[] {
  const list = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0 || (list.length === 1 && (list[0] === '0' || list[0] === 'false'))) return false;
  for (const entry of list) {
    if (!/^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/.test(entry)) {
      throw new Error(`TRUST_PROXY: "${entry}" is not an address, a CIDR, loopback, linklocal or uniquelocal`);
    }
  }
  return list;
}
