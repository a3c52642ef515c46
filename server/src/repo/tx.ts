import type { Db } from '../db/client.ts';

/** A transaction handle of {@link Db} (what `db.transaction(async (tx) => …)` passes). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
