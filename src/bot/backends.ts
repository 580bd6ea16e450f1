import type { FeedbackEntry, UnansweredQuestion } from './state.js';

/** A value, or a promise of it: the in-memory backends answer at once, the PostgreSQL ones asynchronously. */
export type Awaitable<T> = T | Promise<T>;

/**
 * What the bot keeps across restarts (feedback and unanswered questions), whichever backend holds it:
 * `StateStore` (JSON Lines files, one process) or `PostgresState` (shared by every process). Callers
 * `await` every method.
 */
export interface BotState {
  recordUnanswered(question: string, at?: Date): Promise<void>;
  recordFeedback(entry: Omit<FeedbackEntry, 'at'>, at?: Date): Promise<void>;
  /** The unanswered questions, most asked first, then most recent. */
  listUnanswered(limit?: number): Awaitable<UnansweredQuestion[]>;
  feedbackCounts(): Awaitable<{ helpful: number; unhelpful: number }>;
}

/**
 * A per-key rate limit of `max` events per `windowMs`: `RateLimiter` (this process) or
 * `PostgresRateLimiter` (shared by every process). `take` counts an event when allowed and returns 0,
 * else the milliseconds until the next event would be allowed.
 */
export interface QuestionLimiter {
  readonly max: number;
  readonly windowMs: number;
  take(key: string, now?: number): Awaitable<number>;
}

/** The key under which a question is counted: the same question whatever its case, spacing or final punctuation. */
export const questionKey = (q: string) =>
  q
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s?!.]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim();
