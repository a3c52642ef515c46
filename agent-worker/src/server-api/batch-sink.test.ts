import { describe, expect, it } from 'vitest';
import { BatchSink } from './batch-sink.ts';
import type { ApiResult } from './client.ts';

describe('BatchSink', () => {
  it('sends in batches, keeps a batch the server could not be reached for, and drops one it refused', async () => {
    const sent: number[][] = [];
    const answers: ApiResult<null>[] = [{ ok: false, error: 'ECONNREFUSED' }, { ok: true, value: null }, { ok: false, error: 'gone', status: 409 }];
    const sink = new BatchSink<number>(async (batch) => {
      sent.push([...batch]);
      return answers.shift() ?? { ok: true, value: null };
    }, 10_000, 3);
    sink.add(1);
    sink.add(2);
    await sink.flush(); // unreachable: kept
    sink.add(3);
    sink.add(4); // full batch of 3 goes at once, then the rest on close
    await sink.close();
    sink.add(5);
    await sink.close(); // refused (409): dropped, not resent
    await sink.close();
    expect(sent).toEqual([[1, 2], [1, 2, 3], [4], [5]]);
  });
});
