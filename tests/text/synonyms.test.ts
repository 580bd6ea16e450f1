import { describe, expect, it } from 'vitest';
import { stem } from '../../src/text/analyzer.js';
import { isKind, isKnownWord, kindsOf, relatedTerms, widerTerms } from '../../src/text/synonyms.js';

describe('relatedTerms', () => {
  it('gives WordNet derivations and synonyms as analyzed terms', () => {
    expect(relatedTerms(stem('die'))).toContain(stem('death'));
    expect(relatedTerms(stem('discover'))).toContain(stem('find'));
  });

  it('knows nothing of names, figures or unknown words', () => {
    expect(relatedTerms('kyiv')).toEqual([]);
    expect(relatedTerms('1988')).toEqual([]);
    expect(relatedTerms('')).toEqual([]);
  });

  it('reads words that name built-in properties or the lists’ notes as words it does not know', () => {
    for (const word of ['constructor', 'tostring', '__proto__', 'hasownproperty', '_source']) {
      expect(relatedTerms(word)).toEqual([]);
      expect(kindsOf(word)).toEqual([]);
      expect(widerTerms(word)).toEqual([]);
    }
    expect(isKind('_source')).toBe(false);
  });
});

describe('kindsOf', () => {
  it('files a noun under the kinds a question asks for', () => {
    expect(kindsOf(stem('tennis'))).toContain(stem('sport'));
    expect(kindsOf(stem('egypt'))).toContain(stem('country'));
    expect(kindsOf(stem('guitar'))).toContain(stem('instrument'));
    expect(isKind(stem('sport'))).toBe(true);
  });

  it('files nothing under a word that is no kind of anything asked', () => {
    expect(kindsOf(stem('sport'))).not.toContain(stem('sport'));
    expect(kindsOf('')).toEqual([]);
    expect(isKind(stem('popularity'))).toBe(false);
  });
});

describe('widerTerms', () => {
  it('gives similar adjectives and rarer senses’ synonyms, not the nearer relatives again', () => {
    expect(widerTerms(stem('happy'))).toContain(stem('glad'));
    expect(widerTerms(stem('fast'))).toEqual(expect.arrayContaining([stem('rapid'), stem('swift')]));
    expect(widerTerms('kyiv')).toEqual([]);
  });
});

describe('isKnownWord', () => {
  it('knows common English words, not slips of the keyboard or names', () => {
    expect(isKnownWord(stem('marker'))).toBe(true);
    expect(isKnownWord(stem('console'))).toBe(true);
    expect(isKnownWord(stem('tackels'))).toBe(false);
    expect(isKnownWord(stem('counil'))).toBe(false);
  });
});
