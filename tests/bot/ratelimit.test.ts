import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/bot/ratelimit.js';

describe('RateLimiter', () => {
  it('lets a user ask up to the limit per window, then says how long to wait', () => {
    const limiter = new RateLimiter(3, 60_000);
    const t = 1_000_000;
    expect([limiter.take('ann', t), limiter.take('ann', t + 1), limiter.take('ann', t + 2)]).toEqual([
      0, 0, 0,
    ]);
    expect(limiter.take('ann', t + 10_000)).toBe(50_000);
    expect(limiter.take('bob', t + 10_000)).toBe(0);
    expect(limiter.take('ann', t + 60_001)).toBe(0);
  });
});
