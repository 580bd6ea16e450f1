import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitArticleSentences, splitSentences } from '../../src/text/sentences.js';

interface FixtureCase {
  case: string;
  text: string;
  sentences: string[];
}

const fixture: FixtureCase[] = JSON.parse(
  readFileSync(new URL('../fixtures/sentences.json', import.meta.url), 'utf8'),
);

describe('splitSentences', () => {
  it.each(fixture.map((c) => [c.case, c] as const))('splits hard news text right: %s', (_name, c) => {
    expect(splitSentences(c.text).map((s) => s.text)).toEqual(c.sentences);
  });

  it('gives offsets that slice the input back to each sentence', () => {
    const text =
      '  Mr. Johnson told MPs on Tuesday.  “Is it over?” she asked.\tHe said: “It is over.” Then he left.  ';
    const spans = splitSentences(text);
    expect(spans).toHaveLength(4);
    for (const s of spans) {
      expect(text.slice(s.start, s.end)).toBe(s.text);
      expect(s.text).toBe(s.text.trim());
    }
    expect(spans[0]?.start).toBe(2);
  });

  it('returns sentences in order without overlap', () => {
    const text = fixture.map((c) => c.text).join(' ');
    const spans = splitSentences(text);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
    }
  });

  it('returns nothing for empty or blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\n\t ')).toEqual([]);
  });

  it('always ends a sentence at a blank line', () => {
    const text = 'Ad sales boost Time Warner profit\n\nQuarterly profits jumped 76%.';
    expect(splitSentences(text).map((s) => s.text)).toEqual([
      'Ad sales boost Time Warner profit',
      'Quarterly profits jumped 76%.',
    ]);
  });

  it('reads a single line break as a space', () => {
    const text = 'The minister said the plan\nwould go ahead. Critics disagreed.';
    expect(splitSentences(text).map((s) => s.text)).toEqual([
      'The minister said the plan\nwould go ahead.',
      'Critics disagreed.',
    ]);
  });

  it('keeps a sentence with no terminator at the end of the text', () => {
    expect(splitSentences('Shares rose 3%. Analysts expect more').map((s) => s.text)).toEqual([
      'Shares rose 3%.',
      'Analysts expect more',
    ]);
  });

  it('ends a sentence after a citation mark copied from Wikipedia, and keeps the mark with it', () => {
    const split = (t: string) => splitSentences(t).map((s) => s.text);
    expect(split('The plant opened in 1888.[12][13] The next year it closed.')).toEqual([
      'The plant opened in 1888.[12][13]',
      'The next year it closed.',
    ]);
    expect(split('He had a photographic memory.:33 He spoke eight languages.')).toEqual([
      'He had a photographic memory.:33',
      'He spoke eight languages.',
    ]);
    expect(split('Rents rose sharply.[citation needed] Wages did not.')).toEqual([
      'Rents rose sharply.[citation needed]',
      'Wages did not.',
    ]);
    // A ratio is no citation.
    expect(split('The vote went 3:1. Then the board resigned.')).toEqual([
      'The vote went 3:1.',
      'Then the board resigned.',
    ]);
  });

  it('handles a 200 KB paragraph without punctuation as one sentence', () => {
    const text = 'the talks went on through the night and into the morning '.repeat(3500);
    const spans = splitSentences(text);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.end).toBe(text.trimEnd().length);
  });

  it('handles a paragraph of thousands of abbreviations', () => {
    const sentence =
      'Mr. J. K. Smith of Acme Inc. met Dr. Jones of the U.S. Treasury at 9 a.m. on Jan. 6 at No. 10.';
    const spans = splitSentences(`${sentence} `.repeat(3000));
    expect(spans).toHaveLength(3000);
    expect(spans.every((s) => s.text === sentence)).toBe(true);
  });

  it('handles long runs of dots and bare full stops', () => {
    expect(splitSentences('.'.repeat(100_000))).toHaveLength(1);
    expect(splitSentences('. '.repeat(50_000))).toHaveLength(1);
    expect(splitSentences('Stop. '.repeat(20_000))).toHaveLength(20_000);
  });

  it('never throws and keeps offsets exact on arbitrary Unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        for (const s of splitSentences(text)) {
          expect(text.slice(s.start, s.end)).toBe(s.text);
          expect(s.text.trim()).toBe(s.text);
          expect(s.text.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('never throws on text made of the characters it reacts to', () => {
    const pieces = [
      '.',
      '!',
      '?',
      '…',
      '"',
      '“',
      '”',
      "'",
      '(',
      ')',
      ' ',
      '\n',
      'U',
      'S',
      'Mr',
      'The',
      'a',
      '1',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 80 }), (parts) => {
        const text = parts.join('');
        const spans = splitSentences(text);
        for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
        // Nothing but whitespace is lost between sentences.
        const rest = spans.reduceRight((t, s) => t.slice(0, s.start) + t.slice(s.end), text);
        expect(rest.trim()).toBe('');
      }),
    );
  });
});

describe('splitArticleSentences', () => {
  const paragraphs = [
    'Ad sales boost Time Warner profit',
    'Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn. Mr. Parsons was pleased.',
    '“We are delighted,” the U.S. firm said.',
  ];

  it('joins the paragraphs with a blank line', () => {
    expect(splitArticleSentences('001-bbc', paragraphs).text).toBe(paragraphs.join('\n\n'));
  });

  it('gives offsets into the joined text, paragraph numbers from 1 and indexes from 0', () => {
    const { text, sentences } = splitArticleSentences('001-bbc', paragraphs);
    expect(sentences.map((s) => [s.index, s.paragraph, s.text])).toEqual([
      [0, 1, 'Ad sales boost Time Warner profit'],
      [1, 2, 'Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn.'],
      [2, 2, 'Mr. Parsons was pleased.'],
      [3, 3, '“We are delighted,” the U.S. firm said.'],
    ]);
    for (const s of sentences) {
      expect(s.articleId).toBe('001-bbc');
      expect(text.slice(s.start, s.end)).toBe(s.text);
    }
  });

  it('never lets a sentence cross a paragraph', () => {
    const { text, sentences } = splitArticleSentences('002-bbc', [
      'He lives in the U.S',
      'He works in Seattle.',
    ]);
    expect(sentences).toHaveLength(2);
    for (const s of sentences) expect(text.slice(s.start, s.end)).not.toContain('\n\n');
  });

  it('skips empty paragraphs but keeps counting them', () => {
    const { text, sentences } = splitArticleSentences('003-bbc', ['First.', '', 'Third.']);
    expect(sentences.map((s) => [s.paragraph, s.text])).toEqual([
      [1, 'First.'],
      [3, 'Third.'],
    ]);
    expect(text.slice(sentences[1]!.start, sentences[1]!.end)).toBe('Third.');
  });

  it('returns an empty article for no paragraphs', () => {
    expect(splitArticleSentences('004-bbc', [])).toEqual({ text: '', sentences: [] });
  });
});
