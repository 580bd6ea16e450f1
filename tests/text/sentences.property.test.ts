import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitArticleSentences, splitSentences } from '../../src/text/sentences.js';
import { check, hostileText, PATHOLOGICAL_TIMEOUT_MS, pathological, RUNS } from '../support/hostile.js';

describe('splitSentences on hostile text', () => {
  it('never throws, and every sentence is a trimmed, non-empty slice of the input, in order', () => {
    fc.assert(
      fc.property(hostileText(40), (text) => {
        const spans = splitSentences(text);
        let at = 0;
        for (const s of spans) {
          check(s.start >= at && s.end > s.start, () => `span ${s.start}-${s.end} after ${at}`);
          check(text.slice(s.start, s.end) === s.text, () => `offsets do not slice ${s.text}`);
          check(s.text === s.text.trim(), () => `untrimmed ${JSON.stringify(s.text)}`);
          // Nothing is lost between sentences but whitespace.
          check(text.slice(at, s.start).trim() === '', () => `text lost before ${s.start}`);
          at = s.end;
        }
        check(text.slice(at).trim() === '', () => 'text lost at the end');
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps a 6,000-character word, a run of dots and a run of abbreviations whole or split, never lost', () => {
    for (const text of ['x'.repeat(6000), '.'.repeat(6000), 'U.S. '.repeat(1200), '?! '.repeat(2000)]) {
      const spans = splitSentences(text);
      expect(
        spans
          .map((s) => s.text)
          .join('')
          .replace(/\s/g, ''),
      ).toBe(text.replace(/\s/g, ''));
    }
  });

  it.each(['Mr. ', 'a', '. ', '...', '?\n', '“Is it over?” she asked. ', 'U.S. Treasury ', '\n - '])(
    'splits 256 KB of %j in linear time',
    (unit) => {
      const text = pathological(unit);
      const spans = splitSentences(text);
      expect(
        spans
          .map((s) => s.text)
          .join('')
          .replace(/\s/g, ''),
      ).toBe(text.replace(/\s/g, ''));
    },
    PATHOLOGICAL_TIMEOUT_MS,
  );
});

describe('splitArticleSentences on hostile paragraphs', () => {
  it('gives offsets into the joined text, never crossing a paragraph', () => {
    fc.assert(
      fc.property(fc.array(hostileText(10), { maxLength: 8 }), (paragraphs) => {
        const { text, sentences } = splitArticleSentences('a', paragraphs);
        check(text === paragraphs.join('\n\n'), () => 'text is not the joined paragraphs');
        sentences.forEach((s, i) => {
          check(s.index === i, () => `index ${s.index} at ${i}`);
          check(text.slice(s.start, s.end) === s.text, () => `offsets do not slice ${s.text}`);
          check(paragraphs[s.paragraph - 1]?.includes(s.text) === true, () => `${s.text} crosses paragraphs`);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
