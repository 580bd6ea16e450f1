import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeWithOffsets, normalizeText, tokenize } from '../../src/text/analyzer.js';
import {
  check,
  hostileText,
  PATHOLOGICAL_SIZE,
  PATHOLOGICAL_TIMEOUT_MS,
  pathological,
  RUNS,
} from '../support/hostile.js';

describe('tokenize on hostile text', () => {
  it('never throws; tokens are in order, within the text, never overlap, and hold no space', () => {
    fc.assert(
      fc.property(hostileText(40), (text) => {
        let at = 0;
        for (const t of tokenize(text)) {
          check(t.start >= at && t.end > t.start && t.end <= text.length, () => `token ${t.start}-${t.end}`);
          check(t.term.length > 0 && !/\s/.test(t.term), () => `term ${JSON.stringify(t.term)}`);
          at = t.end;
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('analyze / analyzeWithOffsets on hostile text', () => {
  it('give the same terms, with offsets that never overlap', () => {
    fc.assert(
      fc.property(hostileText(40), (text) => {
        const terms = analyze(text);
        const withOffsets = analyzeWithOffsets(text);
        check(
          withOffsets.length === terms.length && withOffsets.every((t, i) => t.term === terms[i]),
          () => 'analyze and analyzeWithOffsets differ',
        );
        // Given the terms an index kept, the same tokens without stemming again; a list that does not
        // fit (another text's) is not used.
        check(
          JSON.stringify(analyzeWithOffsets(text, terms)) === JSON.stringify(withOffsets),
          () => 'analyzeWithOffsets with the kept terms differs',
        );
        check(
          JSON.stringify(analyzeWithOffsets(text, [...terms, 'extra'])) === JSON.stringify(withOffsets),
          () => 'analyzeWithOffsets used terms that do not fit',
        );
        let at = 0;
        for (const t of withOffsets) {
          check(t.start >= at && t.end <= text.length, () => `overlap at ${t.start}`);
          at = t.end;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('turns regular-expression metacharacters, Markdown and mentions into plain terms or nothing', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal "${" is the hostile input
    expect(analyze('.*+?^${}()|[]\\ ** __ ~~ || `')).toEqual([]);
    expect(analyze('@everyone <@123456789012345678>')).toEqual(['everyon', '123456789012345678']);
  });

  it.each(['a', '1,000', 'a-', "a'", 'U.', 'é', 'x-1-', 'AT&T ', '\u200b'])(
    'analyzes 256 KB of %j in linear time',
    (unit) => {
      const tokens = analyzeWithOffsets(pathological(unit));
      expect(tokens.every((t) => t.end <= PATHOLOGICAL_SIZE)).toBe(true);
    },
    PATHOLOGICAL_TIMEOUT_MS,
  );
});

describe('normalizeText on hostile text', () => {
  it('never throws and never grows a text more than compatibility forms allow', () => {
    fc.assert(
      fc.property(hostileText(40), (text) => {
        // NFKD expands one code point to at most 18 (U+FDFA); folding adds at most one per letter.
        check(normalizeText(text).length <= text.length * 18 + 1, () => 'normalised text exploded');
      }),
      { numRuns: RUNS },
    );
  });
});
