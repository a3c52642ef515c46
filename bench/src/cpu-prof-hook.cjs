/**
 * Preloaded into the agent worker's processes by `bench:concurrency --cpu-prof DIR` (through
 * NODE_OPTIONS=--require, which allows this where Node 20 refuses `--cpu-prof` itself): profiles
 * each agents-js job and inference process with V8's sampling profiler (inspector `Profiler`
 * domain, 1 ms interval) and writes `<kind>-<pid>.cpuprofile` to BENCH_CPU_PROF_DIR when it exits.
 * The profile covers JavaScript on the main thread; native threads (WebRTC, Opus, the FFI) show
 * up only as time the main thread waits on them (use the per-thread /proc figures for those).
 */
'use strict';
const dir = process.env.BENCH_CPU_PROF_DIR;
const kind = process.argv.some((a) => a.includes('job_proc_lazy_main')) ? 'job' : process.argv.some((a) => a.includes('inference_proc_lazy_main')) ? 'inference' : null;
if (dir && kind) {
  const inspector = require('node:inspector');
  const { writeFileSync, mkdirSync } = require('node:fs');
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 }); // µs
  session.post('Profiler.start');
  // The in-process session answers synchronously, so this runs inside 'exit' too.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/${kind}-${process.pid}.cpuprofile`, JSON.stringify(res.profile));
    });
  });
}
