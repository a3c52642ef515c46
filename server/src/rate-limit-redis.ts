import { RedisStore } from 'rate-limit-redis';
import { createClient } from 'redis';
import type { RateLimitStoreFactory } from './rate-limit.ts';

/** Rate-limit stores kept in one Redis, shared by every server instance that uses the same URL. */
export interface SharedRateLimits {
  /** One `rate-limit-redis` store per limiter, keys prefixed `rl:<name>:`. */
  stores: RateLimitStoreFactory;
  /** Closes the Redis connection (after the HTTP server stopped). */
  close(): Promise<void>;
}

/**
 * Connects to Redis at `url` (`redis://[:password@]host:port[/db]`) and returns the request rate
 * limiters' stores in it (express-rate-limit + rate-limit-redis: counts are INCR'd by a Lua script,
 * windows expire by PEXPIRE), so N server instances behind one load balancer count one client once.
 * While Redis is unreachable the client reconnects by itself, and a limited route fails closed
 * (express-rate-limit's `passOnStoreError` is off: the store's error reaches the error middleware, 500).
 * @throws Error when the first connection fails.
 */
export async function redisRateLimitStores(url: string): Promise<SharedRateLimits> {
  const client = createClient({ url });
  client.on('error', () => {}); // reconnects by itself; a refused request reports the failure
  await client.connect();
  return {
    stores: (name) => new RedisStore({ prefix: `rl:${name}:`, sendCommand: (...args: string[]) => client.sendCommand(args) }),
    close: async () => {
      await client.close();
    },
  };
}
