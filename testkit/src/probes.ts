/**
 * The abuse suite's ledger: one line per probe (what was tried, what was expected, what came back)
 * and a closing count — probes tried, bypasses (an attack that worked), 5xx answers seen, secrets
 * found in logs.
 */
export type ProbeOutcome = 'ok' | 'bypass';

export class ProbeReport {
  readonly lines: string[] = [];
  probes = 0;
  bypasses = 0;
  fiveXx = 0;
  secretsInLogs = 0;

  /** Records one probe and prints its line. */
  record(name: string, expected: string, got: string, outcome: ProbeOutcome): void {
    this.probes += 1;
    if (outcome === 'bypass') this.bypasses += 1;
    const line = `probe ${String(this.probes).padStart(2)} ${outcome === 'ok' ? 'ok    ' : 'BYPASS'} ${name}: expected ${expected}, got ${got}`;
    this.lines.push(line);
    console.log(line);
  }

  /** Counts an HTTP status seen by any probe (5xx are counted apart: a server error is never an answer). */
  status(code: number): number {
    if (code >= 500) this.fiveXx += 1;
    return code;
  }

  /** `probes N, bypasses 0, 5xx 0, secrets found in logs 0`. */
  summary(): string {
    return `probes ${this.probes}, bypasses ${this.bypasses}, 5xx ${this.fiveXx}, secrets found in logs ${this.secretsInLogs}`;
  }
}
