import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

/** A port free for both TCP and UDP on 127.0.0.1 (LiveKit's RTC ports use both). */
export async function freeTcpUdpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeTcpPort();
    const ok = await new Promise<boolean>((res) => {
      const sock = createSocket('udp4');
      sock.once('error', () => res(false));
      sock.bind(port, '127.0.0.1', () => sock.close(() => res(true)));
    });
    if (ok) return port;
  }
  throw new Error('no port free for both TCP and UDP on 127.0.0.1');
}

/**
 * `count` consecutive UDP ports on 0.0.0.0 that were free a moment ago (livekit-sip's and SIP
 * phones' RTP ranges), from a random base in [20000, 60000). Returns the inclusive range.
 */
export async function freeUdpRange(count: number): Promise<{ start: number; end: number }> {
  const bindable = (port: number) =>
    new Promise<boolean>((res) => {
      const sock = createSocket('udp4');
      sock.once('error', () => res(false));
      sock.bind(port, '0.0.0.0', () => sock.close(() => res(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const start = 20_000 + 2 * Math.floor(Math.random() * ((40_000 - count) / 2));
    let ok = true;
    for (let p = start; p < start + count && ok; p++) ok = await bindable(p);
    if (ok) return { start, end: start + count - 1 };
  }
  throw new Error(`no ${count} consecutive free UDP ports found`);
}
