/**
 * `pnpm bench:redact [--rounds N] [--out FILE]`
 *
 * How long the PII redaction (server/src/redact/) takes on the hostile 4,000-character lines
 * (`HOSTILE_LINES`: runs without their expected end, many anchors, nested groups — what makes a
 * backtracking pattern quadratic), next to an ordinary transcript line of the same length: the
 * ratio shows the hostile input costs about what ordinary text costs (linear). Per line: best and
 * median of N rounds, ms. Writes FILE (JSON) and FILE.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HOSTILE_LENGTH, HOSTILE_LINES, redactPii } from '@voice-widget/server';
import { REPO_ROOT } from '@voice-widget/stack';
import { machineInfo } from './machine.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string' }, out: { type: 'string' } } });
const rounds = Number(values.rounds ?? 50);
const out = resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? join(REPO_ROOT, 'bench', 'results', 'redact.json'));

const ordinary = 'Hi, my order 1042 was supposed to arrive on Friday but it has not come yet, could you check where it is? '
  .repeat(50)
  .slice(0, HOSTILE_LENGTH);
const lines = { 'ordinary transcript': ordinary, ...HOSTILE_LINES };
const names = ['Ada Lovelace', 'Grace Hopper'];

for (let i = 0; i < 5; i++) for (const line of Object.values(lines)) redactPii(line, { names }); // warm up the JIT
const rows = Object.entries(lines).map(([name, line]) => {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    redactPii(line, { names });
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { line: name, bestMs: ms[0]!, medianMs: ms[Math.floor(ms.length / 2)]!, maxMs: ms.at(-1)! };
});
const base = rows[0]!.medianMs;
const result = { machine: machineInfo(), rounds, chars: HOSTILE_LENGTH, rows: rows.map((r) => ({ ...r, vsOrdinary: r.medianMs / base })) };
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(result, null, 2));
const md = [
  `Redaction of ${HOSTILE_LENGTH}-character lines, ${rounds} rounds each (${result.machine.cpu}, ${result.machine.cores} cores, load ${result.machine.loadAvg1.toFixed(1)}):`,
  '',
  '| line | best ms | median ms | max ms | median vs ordinary |',
  '|---|---|---|---|---|',
  ...result.rows.map((r) => `| ${r.line} | ${r.bestMs.toFixed(2)} | ${r.medianMs.toFixed(2)} | ${r.maxMs.toFixed(2)} | ${r.vsOrdinary.toFixed(1)}× |`),
].join('\n');
writeFileSync(out.replace(/\.json$/, '.md'), `${md}\n`);
console.log(md);
