import { describe, expect, it } from 'vitest';
import { stem } from '../../src/text/analyzer.js';
import { relatedTerms } from '../../src/text/synonyms.js';

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
});
