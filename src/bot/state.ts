import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import { type BotState, questionKey } from './backends.js';

/** A question the corpus could not answer, counted across askers. */
export interface UnansweredQuestion {
  question: string;
  count: number;
  lastAsked: string;
}

export interface FeedbackEntry {
  at: string;
  userId: string;
  question: string;
  /** The first result's text, what the person judged. */
  answer: string;
  helpful: boolean;
}

const FEEDBACK = 'feedback.jsonl';
const UNANSWERED = 'unanswered.jsonl';

/**
 * What the bot keeps across restarts: feedback (👍/👎) and the questions it could not answer, each an
 * append-only JSON Lines file in STATE_DIR. Appends are one `write` of a whole line, so a crash loses
 * at most the line being written, and a torn last line is skipped when the file is read back.
 */
export class StateStore implements BotState {
  private readonly unanswered = new Map<string, UnansweredQuestion>();
  private readonly feedback: FeedbackEntry[] = [];

  private constructor(
    private readonly dir: string | undefined,
    private readonly log?: Logger,
  ) {}

  /** Opens the state folder (created when missing); `undefined` keeps state in memory only. */
  static async open(dir: string | undefined, log?: Logger): Promise<StateStore> {
    const store = new StateStore(dir, log);
    if (!dir) return store;
    await mkdir(dir, { recursive: true });
    for (const entry of await readLines<{ question: string; at: string }>(path.join(dir, UNANSWERED))) {
      store.count(entry.question, entry.at);
    }
    store.feedback.push(...(await readLines<FeedbackEntry>(path.join(dir, FEEDBACK))));
    // A line torn by a crash has no newline: end it, so the next record starts on a line of its own.
    for (const file of [UNANSWERED, FEEDBACK]) await endTornLine(path.join(dir, file));
    return store;
  }

  /** Records a question that found nothing confident. */
  async recordUnanswered(question: string, at = new Date()): Promise<void> {
    const iso = at.toISOString();
    this.count(question, iso);
    await this.append(UNANSWERED, { question, at: iso });
  }

  /** Records a 👍 or 👎 on an answer. */
  async recordFeedback(entry: Omit<FeedbackEntry, 'at'>, at = new Date()): Promise<void> {
    const full = { at: at.toISOString(), ...entry };
    this.feedback.push(full);
    await this.append(FEEDBACK, full);
  }

  /** The unanswered questions, most asked first, then most recent. */
  listUnanswered(limit = 25): UnansweredQuestion[] {
    return [...this.unanswered.values()]
      .sort((a, b) => b.count - a.count || b.lastAsked.localeCompare(a.lastAsked))
      .slice(0, limit);
  }

  /** Count of 👍 and 👎 so far. */
  feedbackCounts(): { helpful: number; unhelpful: number } {
    const helpful = this.feedback.filter((f) => f.helpful).length;
    return { helpful, unhelpful: this.feedback.length - helpful };
  }

  private count(question: string, at: string): void {
    const key = questionKey(question);
    if (!key) return;
    const seen = this.unanswered.get(key);
    if (seen) {
      seen.count++;
      if (at > seen.lastAsked) {
        seen.lastAsked = at;
        seen.question = question.trim();
      }
    } else {
      this.unanswered.set(key, { question: question.trim(), count: 1, lastAsked: at });
    }
  }

  private async append(file: string, value: unknown): Promise<void> {
    if (!this.dir) return;
    try {
      await appendFile(path.join(this.dir, file), `${JSON.stringify(value)}\n`, 'utf8');
    } catch (err) {
      this.log?.error({ err, file }, 'could not save state');
    }
  }
}

async function readLines<T>(file: string): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // A line torn by a crash mid-write: skip it, keep the rest.
    }
  }
  return out;
}

async function endTornLine(file: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    if (size === 0) return;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] !== 10) await appendFile(file, '\n');
  } catch {
    // No file yet: nothing to end.
  } finally {
    await handle?.close();
  }
}
