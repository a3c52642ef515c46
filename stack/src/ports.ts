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

/**
 * A port free for both TCP and UDP on every address (LiveKit's RTC ports use both, and
 * livekit-server listens on its RTC TCP port on all addresses (`:port`) and binds its UDP port on
 * each of the machine's addresses, IPv6 too: a port free on 127.0.0.1 but held on another address
 * — an ephemeral socket of some peer — made a restarted node exit with "bind: address already in
 * use", once for UDP and once for TCP).
 * @throws Error when 20 candidates were all taken.
 */
export async function freeTcpUdpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeTcpPort();
    if (
      (await tcpListenable(port, '0.0.0.0')) &&
      (await tcpListenable(port, '::')) &&
      (await udpBindable(port, 'udp4', '0.0.0.0')) &&
      (await udpBindable(port, 'udp6', '::'))
    ) {
      return port;
    }
  }
  throw new Error('no port free for both TCP and UDP');
}

/** Whether a TCP server can listen on `port` at `host` now (a host without IPv6 counts as yes). */
function tcpListenable(port: number, host: string): Promise<boolean> {
  return new Promise<boolean>((res) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', (err: NodeJS.ErrnoException) => res(err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL'));
    srv.listen({ port, host, ipv6Only: host === '::' }, () => srv.close(() => res(true)));
  });
}

/** Whether a UDP socket of `type` can bind `port` on `address` now (a host without IPv6 counts as yes). */
function udpBindable(port: number, type: 'udp4' | 'udp6', address: string): Promise<boolean> {
  return new Promise<boolean>((res) => {
    const sock = createSocket({ type, ipv6Only: false });
    sock.once('error', (err: NodeJS.ErrnoException) => res(err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL'));
    sock.bind(port, address, () => sock.close(() => res(true)));
  });
}

/**
 * `count` consecutive UDP ports on 0.0.0.0 that were free a moment ago (livekit-sip's and SIP
 * phones' RTP ranges), from a random base in [20000, 60000). Returns the inclusive range.
 */
export async function freeUdpRange(count: number): Promise<{ start: number; end: number }> {
  const bindable = (port: number) => udpBindable(port, 'udp4', '0.0.0.0');
  for (let attempt = 0; attempt < 50; attempt++) {
    const start = 20_000 + 2 * Math.floor(Math.random() * ((40_000 - count) / 2));
    let ok = true;
    for (let p = start; p < start + count && ok; p++) ok = await bindable(p);
    if (ok) return { start, end: start + count - 1 };
  }
  throw new Error(`no ${count} consecutive free UDP ports found`);
}
