import { describe, expect, it } from 'vitest';
import { viewToText } from '../../src/bot/console.js';
import { escapeText } from '../../src/bot/render.js';

describe('viewToText', () => {
  it('prints a notice as plain text, undoing the escapes made for Discord', () => {
    const question = 'Why did *Acme_Corp* [fall] 5% @everyone?';
    const text = viewToText({
      kind: 'notice',
      tone: 'info',
      title: 'Unanswered questions',
      lines: [`2× ${escapeText(question)}`],
      private: true,
    });
    expect(text).toBe(`Unanswered questions\n  2× ${question}`);
  });
});
