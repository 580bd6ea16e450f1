import type { QuestionLimiter } from './backends.js';

/**
 * A per-user sliding-window rate limit: at most `max` events per `windowMs` for each key. Memory stays
 * bounded: a key's old timestamps are dropped as it is checked, and idle keys are swept.
 */
export class RateLimiter implements QuestionLimiter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /**
   * Counts an event for `key` when allowed. Returns 0 when allowed, else the milliseconds until the
   * next event would be.
   */
  take(key: string, now = Date.now()): number {
    this.sweep(now);
    const since = now - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (list.length >= this.max) {
      this.hits.set(key, list);
      return (list[0] ?? now) + this.windowMs - now;
    }
    list.push(now);
    this.hits.set(key, list);
    return 0;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, list] of this.hits)
      if (!list.some((t) => t > now - this.windowMs)) this.hits.delete(key);
  }
}
