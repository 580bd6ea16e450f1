import type { View } from '../../commands/types.js';

type AnswerView = Extract<View, { kind: 'answer' }>;

/**
 * Recent answers by key (the id of the interaction or message that asked), so their buttons can page
 * and show context without asking again. Bounded: the oldest are forgotten first, and a button on a
 * forgotten answer says so.
 */
export class AnswerCache {
  private readonly entries = new Map<string, AnswerView>();

  constructor(private readonly max = 1000) {}

  set(key: string, view: AnswerView): void {
    this.entries.delete(key);
    this.entries.set(key, view);
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get(key: string): AnswerView | undefined {
    return this.entries.get(key);
  }
}
