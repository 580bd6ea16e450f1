import type pg from 'pg';
import type { Logger } from '../log.js';
import { type Migration, runMigrations } from '../search/pg-migrate.js';
import { type BotState, type QuestionLimiter, questionKey } from './backends.js';
import type { FeedbackEntry, UnansweredQuestion } from './state.js';

/** The bot's tables in PostgreSQL. Never edit a migration that has shipped: add the next version. */
export const STATE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'unanswered_questions, feedback, rate_limits',
    sql: `
      CREATE TABLE unanswered_questions (
        key text PRIMARY KEY,
        question text NOT NULL,
        count integer NOT NULL,
        last_asked timestamptz NOT NULL
      );
      CREATE INDEX unanswered_questions_rank_idx ON unanswered_questions (count DESC, last_asked DESC);

      CREATE TABLE feedback (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        user_id text NOT NULL,
        question text NOT NULL,
        answer text NOT NULL,
        helpful boolean NOT NULL
      );

      CREATE TABLE rate_limits (
        key text PRIMARY KEY,
        hits bigint[] NOT NULL,
        allowed boolean NOT NULL,
        touched_ms bigint NOT NULL
      );
    `,
  },
];

/**
 * Feedback and unanswered questions in PostgreSQL, shared by every process: the same behaviour as
 * `StateStore` (a question counted under `questionKey`, the newest wording kept), but `listUnanswered`
 * and `feedbackCounts` read the database, so they include what other processes recorded. A failed write
 * is logged, not thrown, as `StateStore` does: losing a record must not lose the answer.
 */
export class PostgresState implements BotState {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly log?: Logger,
  ) {}

  /** Runs the state migrations on `pool` and returns the store. */
  static async open(pool: pg.Pool, log?: Logger): Promise<PostgresState> {
    await runMigrations(pool, 'state', STATE_MIGRATIONS, log);
    return new PostgresState(pool, log);
  }

  async recordUnanswered(question: string, at = new Date()): Promise<void> {
    const key = questionKey(question);
    if (!key) return;
    await this.write('unanswered', () =>
      this.pool.query(
        `INSERT INTO unanswered_questions AS u (key, question, count, last_asked) VALUES ($1, $2, 1, $3)
         ON CONFLICT (key) DO UPDATE SET
           count = u.count + 1,
           question = CASE WHEN excluded.last_asked > u.last_asked THEN excluded.question ELSE u.question END,
           last_asked = greatest(u.last_asked, excluded.last_asked)`,
        [key, question.trim(), at],
      ),
    );
  }

  async recordFeedback(entry: Omit<FeedbackEntry, 'at'>, at = new Date()): Promise<void> {
    await this.write('feedback', () =>
      this.pool.query(
        'INSERT INTO feedback (at, user_id, question, answer, helpful) VALUES ($1, $2, $3, $4, $5)',
        [at, entry.userId, entry.question, entry.answer, entry.helpful],
      ),
    );
  }

  async listUnanswered(limit = 25): Promise<UnansweredQuestion[]> {
    const { rows } = await this.pool.query<{ question: string; count: number; last_asked: Date }>(
      `SELECT question, count, last_asked FROM unanswered_questions
       ORDER BY count DESC, last_asked DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ question: r.question, count: r.count, lastAsked: r.last_asked.toISOString() }));
  }

  async feedbackCounts(): Promise<{ helpful: number; unhelpful: number }> {
    const { rows } = await this.pool.query<{ helpful: number; unhelpful: number }>(
      `SELECT count(*) FILTER (WHERE helpful)::int AS helpful, count(*) FILTER (WHERE NOT helpful)::int AS unhelpful
       FROM feedback`,
    );
    return rows[0] ?? { helpful: 0, unhelpful: 0 };
  }

  private async write(what: string, query: () => Promise<unknown>): Promise<void> {
    try {
      await query();
    } catch (err) {
      this.log?.error({ err, what }, 'could not save state');
    }
  }
}

/**
 * The per-user rate limit shared by every process: `RateLimiter`'s sliding window, one row per key
 * holding the times of the events in the window. One statement per question: the upsert's row lock
 * serialises two processes counting the same user, so together they never let more than `max` through.
 * Times are the callers' clocks (milliseconds), as in `RateLimiter`. When the database cannot be reached
 * the question is let through (and logged): the limit protects the bot, it is not worth an outage.
 */
export class PostgresRateLimiter implements QuestionLimiter {
  private lastSweep = 0;

  constructor(
    private readonly pool: pg.Pool,
    readonly max: number,
    readonly windowMs: number,
    private readonly log?: Logger,
  ) {}

  async take(key: string, now = Date.now()): Promise<number> {
    try {
      await this.sweep(now);
      const { rows } = await this.pool.query<{ allowed: boolean; oldest: string | null }>(
        `INSERT INTO rate_limits AS r (key, hits, allowed, touched_ms)
         VALUES ($1, ARRAY[$2::bigint], $4::int > 0, $2::bigint)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE
             WHEN (SELECT count(*) FROM unnest(r.hits) h WHERE h > excluded.touched_ms - $3::bigint) >= $4::int
               THEN ARRAY(SELECT h FROM unnest(r.hits) h WHERE h > excluded.touched_ms - $3::bigint ORDER BY h)
             ELSE ARRAY(SELECT h FROM unnest(r.hits) h WHERE h > excluded.touched_ms - $3::bigint ORDER BY h)
               || excluded.touched_ms
           END,
           allowed = (SELECT count(*) FROM unnest(r.hits) h WHERE h > excluded.touched_ms - $3::bigint) < $4::int,
           touched_ms = greatest(r.touched_ms, excluded.touched_ms)
         RETURNING allowed, hits[1]::text AS oldest`,
        [key, now, this.windowMs, this.max],
      );
      const row = rows[0];
      if (!row || row.allowed) return 0;
      return Number(row.oldest ?? now) + this.windowMs - now;
    } catch (err) {
      this.log?.error({ err }, 'rate limit unavailable, question let through');
      return 0;
    }
  }

  /** Drops the rows of keys idle for a whole window, at most once per window per process. */
  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    await this.pool.query('DELETE FROM rate_limits WHERE touched_ms <= $1', [now - this.windowMs]);
  }
}
