import { describe, expect, it } from 'vitest';
import { ask as askCommand } from '../../commands/ask.js';
import { consoleOptions, viewToText } from '../../src/bot/console.js';
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

describe('consoleOptions', () => {
  const ask = askCommand.data.options ?? [];

  it('takes the text after /ask as the question', () => {
    expect(consoleOptions(ask, 'When did Russia invade Ukraine?')).toEqual({
      question: 'When did Russia invade Ukraine?',
    });
  });

  it('reads options written as in Discord, typed as Discord would send them', () => {
    expect(
      consoleOptions(
        ask,
        'question:When did Russia invade Ukraine? results:3 private:true source:Al Jazeera',
      ),
    ).toEqual({
      question: 'When did Russia invade Ukraine?',
      results: 3,
      private: true,
      source: 'Al Jazeera',
    });
  });

  it('keeps a question that uses an option name as its own words', () => {
    expect(consoleOptions(ask, 'question:What were the results: good or bad?')).toEqual({
      question: 'What were the results: good or bad?',
    });
    expect(consoleOptions(ask, 'Which source: the BBC or Reuters?')).toEqual({
      question: 'Which source: the BBC or Reuters?',
    });
  });
});
