import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyze,
  analyzeWithOffsets,
  isStopWord,
  normalizeText,
  stem,
  stemOnce,
  tokenize,
} from '../../src/text/analyzer.js';

const terms = (s: string) => tokenize(s).map((t) => t.term);

describe('normalizeText', () => {
  it('straightens curly quotes and apostrophes', () => {
    expect(normalizeText('“We won’t back down,” she said')).toBe(`"we won't back down," she said`);
  });

  it('turns every dash into a hyphen', () => {
    expect(normalizeText('2004–05 — a record year')).toBe('2004-05 - a record year');
  });

  it('removes zero-width characters and soft hyphens', () => {
    expect(normalizeText('Zel\u200benskyy an\u00adnounced')).toBe('zelenskyy announced');
  });

  it('applies compatibility forms and folds diacritics', () => {
    expect(normalizeText('Café ﬁnal Zelenskyý Øresund Straße')).toBe('cafe final zelenskyy oresund strasse');
  });

  it('folds a decomposed accent the same as a composed one', () => {
    expect(normalizeText('cafe\u0301')).toBe(normalizeText('caf\u00e9'));
  });

  it('lower-cases', () => {
    expect(normalizeText('The KREMLIN Said')).toBe('the kremlin said');
  });

  it('leaves scripts without Latin diacritics readable', () => {
    expect(normalizeText('Москва 東京 दिल्ली')).toBe('москва 東京 दिल्ली');
  });
});

describe('tokenize', () => {
  it('gives offsets into the original text, curly apostrophes and all', () => {
    const text = 'Russia’s “final” offer to Kyiv';
    for (const t of tokenize(text)) expect(text.slice(t.start, t.end).length).toBeGreaterThan(0);
    expect(tokenize(text)).toEqual([
      { term: 'russia', start: 0, end: 8 },
      { term: 'final', start: 10, end: 15 },
      { term: 'offer', start: 17, end: 22 },
      { term: 'to', start: 23, end: 25 },
      { term: 'kyiv', start: 26, end: 30 },
    ]);
  });

  it('keeps numbers whole: thousands separators, decimals, years and units', () => {
    expect(terms('1,000 troops, 3.5% inflation, 19 years, 2022, $1.75tn and £2.3bn on the 19th')).toEqual([
      '1000',
      'troops',
      '3.5',
      'inflation',
      '19',
      'years',
      '2022',
      '1.75tn',
      'and',
      '2.3bn',
      'on',
      'the',
      '19th',
    ]);
  });

  it('does not read a list of digits as a thousands separator', () => {
    expect(terms('seeds 2,3 and 4')).toEqual(['seeds', '2', '3', 'and', '4']);
  });

  it('drops the possessive and the contracted verb', () => {
    expect(terms("Russia’s envoy said they're leaving; it's over")).toEqual([
      'russia',
      'envoy',
      'said',
      'they',
      'leaving',
      'it',
      'over',
    ]);
  });

  it('keeps names and negations with an apostrophe whole', () => {
    expect(terms('O’Brien don’t')).toEqual(["o'brien", "don't"]);
  });

  it('splits hyphenated words into parts with their own offsets', () => {
    const text = 'a tit-for-tat full-scale 19-year-old';
    expect(tokenize(text).map((t) => [t.term, text.slice(t.start, t.end)])).toEqual([
      ['a', 'a'],
      ['tit', 'tit'],
      ['for', 'for'],
      ['tat', 'tat'],
      ['full', 'full'],
      ['scale', 'scale'],
      ['19', '19'],
      ['year', 'year'],
      ['old', 'old'],
    ]);
  });

  it('glues a one-letter part of a hyphenated word to its neighbour', () => {
    expect(terms('e-mail X-ray G-20 COVID-19')).toEqual(['email', 'xray', 'g20', 'covid', '19']);
  });

  it('makes U.S. and US the same term, and never the pronoun us', () => {
    expect(terms('The U.S. and the US told us')).toEqual(['the', 'u.s', 'and', 'the', 'u.s', 'told', 'us']);
  });

  it('keeps other acronyms that spell a stop word apart from the word', () => {
    expect(terms('The WHO said it would fund IT training')).toEqual([
      'the',
      'w.h.o',
      'said',
      'it',
      'would',
      'fund',
      'i.t',
      'training',
    ]);
  });

  it('reads all-caps words as plain words when the whole text is in capitals', () => {
    expect(terms('WHO IS IT')).toEqual(['who', 'is', 'it']);
  });

  it('joins the letters of other acronyms so that dotted and plain spellings match', () => {
    expect(terms('the U.K. and the UK; B.B.C. and BBC; AT&T')).toEqual([
      'the',
      'uk',
      'and',
      'the',
      'uk',
      'bbc',
      'and',
      'bbc',
      'at&t',
    ]);
  });

  it('keeps lower-case dotted abbreviations apart from acronyms', () => {
    expect(terms('at 10 p.m. the PM spoke')).toEqual(['at', '10', 'p.m', 'the', 'pm', 'spoke']);
  });

  it('folds diacritics in terms but keeps offsets on the original', () => {
    const text = 'Zelenskyý met café owners';
    const [first] = tokenize(text);
    expect(first).toEqual({ term: 'zelenskyy', start: 0, end: 9 });
    expect(terms(text)).toContain('cafe');
  });

  it('reads a word broken by a zero-width space or soft hyphen as one word', () => {
    expect(terms('Zel\u200benskyy an\u00adnounced')).toEqual(['zelenskyy', 'announced']);
  });

  it('returns nothing for empty or punctuation-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' — “…” !? ')).toEqual([]);
  });

  it('never throws, and every token is a non-empty, in-order slice of the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        let last = 0;
        for (const t of tokenize(text)) {
          expect(t.term.length).toBeGreaterThan(0);
          expect(t.start).toBeGreaterThanOrEqual(last);
          expect(t.end).toBeGreaterThan(t.start);
          expect(t.end).toBeLessThanOrEqual(text.length);
          last = t.end;
        }
      }),
    );
  });
});

describe('isStopWord', () => {
  it('drops function words and question words', () => {
    for (const w of ['the', 'of', 'and', 'who', 'what', 'when', 'how', "don't", 'said']) {
      expect(isStopWord(w)).toBe(true);
    }
  });

  it('keeps content words, names and numbers', () => {
    for (const w of ['diplomats', 'kremlin', 'u.s', 'w.h.o', '19', '2022', '3.5'])
      expect(isStopWord(w)).toBe(false);
  });

  it('treats single letters as stop words but not single digits', () => {
    expect(isStopWord('k')).toBe(true);
    expect(isStopWord('7')).toBe(false);
  });
});

describe('stem', () => {
  it('reduces inflections to the same stem', () => {
    expect(stem('expelled')).toBe(stem('expel'));
    expect(stem('diplomats')).toBe(stem('diplomat'));
    expect(stem('sanctions')).toBe(stem('sanctioned'));
  });

  it('leaves numbers, dotted acronyms and other scripts alone', () => {
    for (const t of ['2022', '3.5', '1.75tn', '19th', 'u.s', "o'brien", 'москва']) expect(stem(t)).toBe(t);
  });

  it('gives the same answer from the cache as the first time', () => {
    const first = stem('negotiations');
    expect(stem('negotiations')).toBe(first);
    expect(first).toBe('negoti');
  });
});

describe('analyze', () => {
  it('drops stop words and stems what is left', () => {
    expect(analyze('Russia’s diplomats were expelled from the U.S.')).toEqual([
      'russia',
      'diplomat',
      'expel',
      'u.s',
    ]);
  });

  it('gives a question and a document the same terms for the same words', () => {
    const doc = analyze('Moscow ordered the tit-for-tat expulsion of 10 U.S. diplomats.');
    for (const term of analyze('Why did Moscow order a tit-for-tat expulsion of US diplomats?')) {
      expect(doc).toContain(term);
    }
  });

  it('never yields a term with a space, even from letters that decompose to one', () => {
    expect(analyze('ﹰabc \u037a \ufdfa')).toEqual([
      '\u064babc',
      '\u0635\u0644\u0649\u0627\u0644\u0644\u0647\u0639\u0644\u064a\u0647\u0648\u0633\u0644\u0645',
    ]);
  });

  it('never yields a term with a space on arbitrary text (the search engine splits queries on spaces)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        for (const term of analyze(text)) expect(term).not.toMatch(/\s/);
      }),
    );
  });

  it('handles a 200 KB word and long runs of joiners quickly', () => {
    expect(analyze('a'.repeat(200_000))).toHaveLength(1);
    expect(analyze('a-'.repeat(100_000))).toHaveLength(1);
    expect(analyze('U.'.repeat(100_000))).toHaveLength(1);
  });
});

describe('analyzeWithOffsets', () => {
  it('gives the same terms as analyze, with the offsets of their words', () => {
    const text = 'Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m).';
    const tokens = analyzeWithOffsets(text);
    expect(tokens.map((t) => t.term)).toEqual(analyze(text));
    expect(tokens.map((t) => text.slice(t.start, t.end))).toEqual([
      'Quarterly',
      'profits',
      'US',
      'media',
      'giant',
      'TimeWarner',
      'jumped',
      '76',
      '1.13bn',
      '600m',
    ]);
  });

  it('gives offsets that never overlap, for highlighting', () => {
    const tokens = analyzeWithOffsets('A tit-for-tat e-mail row over the G-20 summit');
    for (let i = 1; i < tokens.length; i++)
      expect(tokens[i]!.start).toBeGreaterThanOrEqual(tokens[i - 1]!.end);
  });
});

describe('stemOnce', () => {
  it('stems as stem does', () => {
    for (const word of ['expelled', 'tackles', 'making', '1.75tn', 'u.s'])
      expect(stemOnce(word)).toBe(stem(word));
  });
});
