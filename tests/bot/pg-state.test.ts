import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRateLimiter, PostgresState } from '../../src/bot/pg-state.js';
import { RateLimiter } from '../../src/bot/ratelimit.js';
import { StateStore } from '../../src/bot/state.js';
import { type PgCluster, postgresSkipReason, startCluster } from '../support/postgres.js';

if (postgresSkipReason) console.warn(`PostgreSQL state tests skipped: ${postgresSkipReason}`);

let cluster: PgCluster;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  if (!postgresSkipReason) cluster = await startCluster();
});
afterAll(async () => {
  await cluster?.stop();
});
afterEach(async () => {
  for (const p of pools.splice(0)) await p.end();
});

/** Two pools on one new database: two processes' view of it. */
async function twoProcesses() {
  const url = await cluster.createDatabase();
  const [a, b] = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
  pools.push(a, b);
  return [a, b] as const;
}

describe.skipIf(postgresSkipReason)('PostgresState', () => {
  it('counts unanswered questions and feedback as the file store does, across processes', async () => {
    const [a, b] = await twoProcesses();
    const [one, two] = await Promise.all([PostgresState.open(a), PostgresState.open(b)]);
    const files = await StateStore.open(undefined);
    const asked: [string, string][] = [
      ['Who owns the ferry company?', '2025-01-01T10:00:00.000Z'],
      ['who owns the ferry company', '2025-01-02T10:00:00.000Z'],
      ['  WHO OWNS THE FERRY COMPANY?!  ', '2025-01-01T12:00:00.000Z'],
      ['When does the bridge reopen?', '2025-01-03T09:30:00.000Z'],
      ["What's O'Brien's \\ role; DROP TABLE feedback; --?", '2025-01-03T10:00:00.000Z'],
      ['   ', '2025-01-04T10:00:00.000Z'],
    ];
    for (const [i, [q, at]] of asked.entries()) {
      await (i % 2 ? two : one).recordUnanswered(q, new Date(at));
      await files.recordUnanswered(q, new Date(at));
    }
    expect(await one.listUnanswered()).toEqual(files.listUnanswered());
    expect((await two.listUnanswered())[0]).toEqual({
      question: 'who owns the ferry company',
      count: 3,
      lastAsked: '2025-01-02T10:00:00.000Z',
    });
    expect(await one.listUnanswered(1)).toHaveLength(1);

    await one.recordFeedback({ userId: '1', question: 'q', answer: 'a', helpful: true });
    await two.recordFeedback({ userId: '2', question: "it's", answer: '\\', helpful: false });
    await two.recordFeedback({ userId: '3', question: 'q', answer: 'a', helpful: true });
    expect(await one.feedbackCounts()).toEqual({ helpful: 2, unhelpful: 1 });
    const { rows } = await a.query('SELECT question, answer FROM feedback ORDER BY id');
    expect(rows[1]).toEqual({ question: "it's", answer: '\\' });
  });

  it('logs a failed write instead of throwing, so the answer is still given', async () => {
    const [a] = await twoProcesses();
    const errors: unknown[] = [];
    const log = { error: (...args: unknown[]) => errors.push(args), info: () => {}, warn: () => {} } as never;
    const state = await PostgresState.open(a, log);
    await a.query('DROP TABLE feedback');
    await expect(
      state.recordFeedback({ userId: '1', question: 'q', answer: 'a', helpful: true }),
    ).resolves.toBe(undefined);
    expect(errors).toHaveLength(1);
  });
});

describe.skipIf(postgresSkipReason)('PostgresRateLimiter', () => {
  it('lets a user ask up to the limit per window, then says how long to wait, as RateLimiter does', async () => {
    const [a] = await twoProcesses();
    await PostgresState.open(a);
    const shared = new PostgresRateLimiter(a, 3, 60_000);
    const local = new RateLimiter(3, 60_000);
    const t = 1_000_000;
    const steps: [string, number][] = [
      ['ann', t],
      ['ann', t + 1],
      ['ann', t + 2],
      ['ann', t + 10_000],
      ['bob', t + 10_000],
      ["o'brien\\; --", t + 10_001],
      ['ann', t + 60_001],
      ['ann', t + 60_002],
      ['ann', t + 60_003],
    ];
    const got: number[] = [];
    for (const [key, now] of steps) got.push(await shared.take(key, now));
    expect(got).toEqual(steps.map(([key, now]) => local.take(key, now)));
    expect(got[3]).toBe(50_000);
  });

  it('never lets more than the limit through when processes count the same user at once', async () => {
    const [a, b] = await twoProcesses();
    await PostgresState.open(a);
    const limiters = [new PostgresRateLimiter(a, 6, 60_000), new PostgresRateLimiter(b, 6, 60_000)];
    const now = Date.now();
    const waits = await Promise.all(
      Array.from({ length: 20 }, (_, i) => limiters[i % 2]!.take('carol', now + (i % 3))),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(6);
    expect(waits.filter((w) => w > 0).every((w) => w <= 60_000)).toBe(true);
  });
});
