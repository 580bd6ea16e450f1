import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Long work written once as a generator that yields at points where stopping is safe, then run either
 * at once (`runNow`: one-shot commands, tests) or in slices between which the event loop turns
 * (`runSliced`: the running bot, which must keep answering and acknowledging Discord interactions
 * while a refresh packs and saves a large index).
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs every step at once and returns the result. */
export function runNow<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** How long a slice runs before the event loop gets a turn; a question takes about 2 ms at 10k articles. */
const SLICE_MS = 8;

/** Runs the steps in slices of about `sliceMs`, giving the event loop a turn between slices. */
export async function runSliced<T>(steps: Steps<T>, sliceMs = SLICE_MS): Promise<T> {
  let started = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - started >= sliceMs) {
      await nextTurn();
      started = performance.now();
    }
  }
}
