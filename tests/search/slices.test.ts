import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runNow, runSliced, type Steps } from '../../src/search/slices.js';

/** Work of `count` steps of about `ms` each, returning their sum: a stand-in for packing an index. */
function* busy(count: number, ms: number): Steps<number> {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const until = performance.now() + ms;
    while (performance.now() < until) sum += 0;
    sum += i;
    yield;
  }
  return sum;
}

describe('runSliced', () => {
  it('lets other work run between slices, and gives the same result as running at once', async () => {
    let turns = 0;
    let stop = false;
    const other = (async () => {
      while (!stop) {
        await nextTurn();
        turns++;
      }
    })();
    const sliced = await runSliced(busy(20, 2), 5);
    stop = true;
    await other;
    // 40 ms of work in slices of 5 ms: the other task got a turn between every pair of slices.
    expect(turns).toBeGreaterThanOrEqual(6);
    expect(sliced).toBe(runNow(busy(20, 0)));
  });

  it('runs at once, with no turn for other work, when asked to', async () => {
    let turns = 0;
    const other = nextTurn().then(() => turns++);
    expect(runNow(busy(5, 2))).toBe(10);
    expect(turns).toBe(0);
    await other;
  });
});
