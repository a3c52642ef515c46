import { asc, eq, sql } from 'drizzle-orm';
import type { LiveLine, LiveState } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import type { Tx } from './tx.ts';
import { transcriptEntries } from '../db/schema.ts';
import { redactPii } from '../redact/index.ts';
import { customerNames } from './customers.ts';


/**
 * The live transcript of a running call (protocol/src/live-call.ts): lines stored as they happen,
 * keyed by `(call, seq)` in `transcript_entries`, PII-redacted before the insert (contact-store
 * names too, as `[name]`). Storing a line
 * again with the same `seq` replaces it, so a batch sent twice stores each line once, and the
 * final call record (same `seq`s) lands on the same rows.
 */
export async function upsertLines(db: Db | Tx, callId: number, lines: readonly LiveLine[]): Promise<void> {
  if (lines.length === 0) return;
  const names = await customerNames(db as Db);
  await db
    .insert(transcriptEntries)
    .values(
      lines.map((l) => ({
        callId,
        seq: l.seq,
        speaker: l.speaker,
        text: redactPii(l.text, { names }),
        atMs: l.atMs,
        interrupted: l.interrupted ?? false,
      })),
    )
    .onConflictDoUpdate({
      target: [transcriptEntries.callId, transcriptEntries.seq],
      set: {
        speaker: sql`excluded.speaker`,
        text: sql`excluded.text`,
        atMs: sql`excluded.at_ms`,
        interrupted: sql`excluded.interrupted`,
      },
    });
}

/** The call's lines in order of `seq`, and the next `seq` (one past the highest stored). */
export async function liveLines(db: Db | Tx, callId: number): Promise<Omit<LiveState, 'ended'>> {
  const rows = await db.select().from(transcriptEntries).where(eq(transcriptEntries.callId, callId)).orderBy(asc(transcriptEntries.seq));
  const lines = rows.map((r) => ({ seq: r.seq, speaker: r.speaker, text: r.text, atMs: r.atMs, ...(r.interrupted ? { interrupted: true } : {}) }));
  return { lines, nextSeq: rows.length ? rows.at(-1)!.seq + 1 : 0 };
}
