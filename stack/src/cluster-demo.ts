/** `npm run demo -- --cluster`: the cluster on loopback (cluster.ts), printed; Ctrl-C stops it. */
import { startCluster } from './cluster.ts';
import { stopOnSignals } from './service.ts';

/** Starts the cluster with the demo site, prints where everything is, and stops it on SIGINT/SIGTERM. */
export async function runClusterDemo(opts: { echo?: boolean }): Promise<void> {
  const t0 = Date.now();
  const cluster = await startCluster({ demoSite: true, echo: opts.echo }).catch((err: Error) => {
    console.error(`\n${err.message}`);
    process.exit(1);
  });
  const [a, b] = cluster.servers;
  console.log(`
  Cluster is up in ${((Date.now() - t0) / 1000).toFixed(1)} s

  Demo page:      ${cluster.demoUrl}   (its widget talks to ${a!.name})
  Servers:        ${cluster.servers.map((s) => `${s.name} ${s.url}`).join('   ')}   (one PostgreSQL; rate limits in Redis)
  LiveKit nodes:  ${cluster.nodes.map((n) => `${n.name} ${n.url}`).join('   ')}   (one Redis)
  Agent workers:  ${cluster.workers.map((w) => w.name).join(', ')}   (worker-N registered with lk-N; the model is one service: ${cluster.model.url})
  Operator key:   ${cluster.adminKeyFile}
  Logs:           .state/cluster/logs/, .state/cluster/lk-*/

  Try: a call through ${b!.name}: curl -s -X POST ${b!.url}/api/sessions -H 'Content-Type: application/json' -H 'Origin: ${cluster.demoUrl?.replace(/\/$/, '')}' -d '{"agent":"acme"}'
  Drain a worker: kill -TERM ${cluster.workers[0]!.service.child.pid}   (its calls finish; new ones go to the other)
  Ctrl-C to stop.
`);
  // A part that exits (a drained worker, a lost node) does not stop the others: that is the point.
  stopOnSignals(() => cluster.stop());
}
