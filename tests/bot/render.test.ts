import { describe, expect, it } from 'vitest';
import type { View } from '../../commands/types.js';
import type { Answer } from '../../src/answer/types.js';
import { boldMatches, escapeText, LIMITS, renderView, sentenceLink, shorten } from '../../src/bot/render.js';

const result = (text: string, n = 1) => ({
  text,
  context: { before: null, after: null },
  score: 1,
  matched: [],
  highlights: [] as [number, number][],
  sources: Array.from({ length: n }, (_, i) => ({
    articleId: `a${i}`,
    title: `A title ${'x'.repeat(300)}`,
    source: `Publisher ${i}`,
    url: `https://news.example.org/story-${i}`,
    published: '2025-01-01',
    paragraph: 1,
    sentence: 0,
  })),
});

function answerView(results: ReturnType<typeof result>[], question = 'What happened?'): View {
  const answer: Answer = {
    question,
    answered: true,
    confidence: 0.8,
    answerType: 'other',
    results,
    closest: [],
  };
  return { kind: 'answer', answer, perPage: 5, page: 0, private: false };
}

describe('shorten', () => {
  it('cuts on a word boundary with an ellipsis', () => {
    expect(shorten('The quick brown fox jumps', 12)).toBe('The quick…');
    expect(shorten('short', 12)).toBe('short');
  });
});

describe('escapeText', () => {
  it('neutralises Markdown and mentions', () => {
    const escaped = escapeText('**bold** @everyone <@123456789012345678> `code`');
    expect(escaped).not.toContain('**bold**');
    expect(escaped).not.toContain('@everyone');
    expect(escaped).not.toContain('<@1');
  });
});

describe('boldMatches', () => {
  it('puts the matched words in bold and escapes the rest', () => {
    expect(boldMatches({ text: 'Rates rose to 4.5% *today*', highlights: [[0, 5]] })).toBe(
      '**Rates** rose to 4.5% \\*today\\*',
    );
  });
});

describe('sentenceLink', () => {
  it('links to the sentence with a text fragment', () => {
    const link = sentenceLink(
      'https://x.example/a#top',
      'The tit-for-tat expulsions began in 2018, officials said on Monday.',
    );
    expect(link).toBe(
      'https://x.example/a#:~:text=The%20tit%2Dfor%2Dtat%20expulsions%20began,officials%20said%20on%20Monday.',
    );
  });
});

describe('renderView', () => {
  it('stays within Discord limits for long results with many sources', () => {
    const long = Array.from({ length: 5 }, () => result('word '.repeat(900).trim(), 8));
    const payload = renderView(answerView(long, 'q'.repeat(400)), '123');
    const embed = payload.embeds[0]!;
    expect(embed.description!.length).toBeLessThanOrEqual(LIMITS.embedDescription);
    expect(embed.title!.length).toBeLessThanOrEqual(LIMITS.embedTitle);
    const total =
      (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
    expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
    expect(payload.allowedMentions).toEqual({ parse: [] });
  });

  it('lists every source of a merged fact', () => {
    const payload = renderView(answerView([result('Rates rose to 4.5% on Thursday.', 2)]), 'k');
    expect(payload.embeds[0]?.description).toContain('Publisher 0');
    expect(payload.embeds[0]?.description).toContain('Publisher 1');
  });

  it('offers no buttons without an answer key', () => {
    expect(renderView(answerView([result('Rates rose.')])).components).toEqual([]);
  });
});
