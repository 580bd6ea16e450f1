import { createRequire } from 'node:module';
import type { Stemmer } from 'natural/lib/natural/stemmers/index.js';

// One module of natural, never its main entry: that one takes ~0.8 s to load and reads our .env.
const porter = createRequire(import.meta.url)('natural/lib/natural/stemmers/porter_stemmer.js') as Stemmer;

/**
 * Version of the analyzer's behaviour. The index snapshot hashes it, so bump it whenever a change here
 * would turn some text into other terms: an index built with other terms must be rebuilt, not loaded.
 */
export const ANALYZER_VERSION = 'analyzer-1';

/** A word of a text: `term` is its normalised, lower-cased form; `start`/`end` are offsets into the text. */
export interface Token {
  term: string;
  start: number;
  end: number;
}

/** An analysed term (stemmed) and where its word stands in the text, for highlighting. */
export interface AnalyzedToken {
  term: string;
  start: number;
  end: number;
}

/**
 * English stop words for news: function words, auxiliaries, contractions, question words (readQuestion
 * reads those before they are dropped) and the ubiquitous attribution words of news copy ("said", "Mr").
 * Single letters are dropped separately.
 */
const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all almost along already also although am among an and another any
  anyone anything are aren't around as at be became because been before being below between both but by
  can can't cannot could couldn't did didn't do does doesn't doing don't done down during each either else
  enough etc even ever every for from further get gets getting got had hadn't has hasn't have haven't
  having he her here hers herself him himself his how however i if in into is isn't it its itself just
  least less let let's like made make many may me might more most much must mustn't my myself neither no
  nor not now of off often on once one's only onto or other others otherwise our ours ourselves out over
  own per perhaps quite rather really said same say says several shall shan't she should shouldn't since
  so some somehow still such than that the their theirs them themselves then there thereby therefore these
  they this those though through thus to told too toward towards under unless until up upon us very via
  was wasn't we well were weren't what whatever when whenever where whereas wherever whether which while
  who whoever whom whose why will with within without won't would wouldn't yet you your yours yourself
  yourselves mr mrs ms vs e.g i.e a.m p.m`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Whether a normalised, unstemmed term is a stop word (single letters are: "a", "i", the "K" of
 * "J. K. Rowling"). Digits are never stop words.
 *
 * @example isStopWord('the') // → true;  isStopWord('kyiv') // → false;  isStopWord('7') // → false
 */
export function isStopWord(term: string): boolean {
  if (term.length === 1) return !/\p{N}/u.test(term);
  return STOP_WORDS.has(term);
}

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
const SINGLE_QUOTES = /[\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4]/g;
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g;
const DASHES = /[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g;
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g;
/** Combining diacritics of Latin, Greek and Cyrillic: folded away ("café" → "cafe"). */
const DIACRITICS = /[\u0300-\u036f]/g;
/** Letters that carry no combining mark to strip but are folded all the same. */
const LETTER_FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ı: 'i',
  þ: 'th',
};
const FOLDABLE = /[ßæœøłđıþ]/g;

/**
 * Normalises text for matching, never for display: Unicode compatibility forms (NFKC), curly quotes and
 * apostrophes to straight ones, every dash to "-", invisible characters (zero-width, soft hyphen) removed,
 * Latin diacritics folded, lower case. The length can change, so offsets are never taken from its output.
 *
 * @example normalizeText('Zelenskyý’s “ﬁnal” offer — café') // → `zelenskyy's "final" offer - cafe`
 */
export function normalizeText(s: string): string {
  if (ASCII_PRINTABLE.test(s)) return s.toLowerCase();
  return s
    .normalize('NFKD')
    .replace(DIACRITICS, '')
    .normalize('NFC')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, '-')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(FOLDABLE, (c) => LETTER_FOLDS[c] ?? c);
}

// What a word is made of: letters, marks, digits, and invisible characters that sit inside scraped words.
const W = '\\p{L}\\p{M}\\p{Nd}\\u00ad\\u200b-\\u200d\\u2060';
// A dotted acronym "U.S.", "a.m."; "AT&T"; a number "1,000", "3.5", "1.75tn", "19th"; a word with inner
// apostrophes "Russia’s", "don't", "O'Brien"; any of these joined by hyphens "tit-for-tat", "COVID-19".
const ACRONYM = '(?:\\p{L}\\.){2,}';
const AMPERSAND = '\\p{Lu}+&\\p{Lu}+';
const NUMBER = '\\p{Nd}+(?:,\\p{Nd}{3}(?!\\p{Nd}))*(?:\\.\\p{Nd}+)?[\\p{L}\\p{M}]*';
const WORD = `[${W}]+(?:['’ʼ][${W}]+)*`;
const PIECE = `(?:${NUMBER}|${WORD})`;
const TOKEN = new RegExp(`${ACRONYM}|${AMPERSAND}|${PIECE}(?:[-‐‑–]${PIECE})*`, 'gu');
const HYPHEN = /[-‐‑–]/;
const PLAIN_ASCII_WORD = /^[A-Za-z0-9]+$/;
const CAPS_ACRONYM = /^\p{Lu}{2,6}$/u;
const CONTRACTION_ENDING = /'(?:s|re|ve|ll|d|m)$/;
const LOWER_CASE = /\p{Ll}/u;
const WHITESPACE = /\s+/g;
const GROUPED_NUMBER = /^\d{1,3}(?:,\d{3})+/;

/**
 * The term of one word as written (no hyphen inside). An acronym, dotted or all capitals, becomes its
 * letters ("B.B.C." and "BBC" → "bbc"), or its letters with dots when they spell a stop word ("U.S." and
 * "US" → "u.s", "WHO" → "w.h.o", "IT" → "i.t"), so the two spellings match each other and never the
 * pronoun "us". `shouting` (a text without a lower-case letter) turns the all-caps rule off: "WHO IS IT"
 * is three stop words.
 */
function termOf(word: string, shouting: boolean): string {
  if (PLAIN_ASCII_WORD.test(word)) {
    if (!shouting && word.length <= 6 && CAPS_ACRONYM.test(word)) return acronymTerm(word.toLowerCase());
    return word.toLowerCase();
  }
  if (word.length > 2 && word.endsWith('.') && word.charCodeAt(word.length - 2) !== 46) {
    const letters = normalizeText(word.replace(/\./g, '')).replace(WHITESPACE, '');
    // "U.S." is an acronym; "a.m.", "e.g." are lower-case abbreviations, kept dotted so that "p.m." is
    // not the "PM" who said something, and stop words.
    return /\p{Lu}/u.test(word) ? acronymTerm(letters) : letters.split('').join('.');
  }
  // Compatibility forms can decompose to a space plus a mark (Arabic presentation forms, "ͺ"); a term
  // never holds one, as the search engine splits queries on spaces.
  let term = normalizeText(word).replace(WHITESPACE, '');
  if (GROUPED_NUMBER.test(term)) term = term.replace(/,/g, '');
  // "Russia's" → "russia", "they're" → "they"; "don't" and "O'Brien" stay whole.
  if (term.includes("'")) term = term.replace(CONTRACTION_ENDING, '');
  if (!shouting && CAPS_ACRONYM.test(word)) return acronymTerm(term);
  return term;
}

function acronymTerm(letters: string): string {
  return STOP_WORDS.has(letters) ? letters.split('').join('.') : letters;
}

/**
 * Splits text into words with offsets into the original string, each with its normalised, lower-cased
 * term (unstemmed, stop words kept). Numbers stay whole ("1,000" → "1000", "3.5", "1.75tn"); possessives
 * lose their "'s" ("Russia’s" → "russia"); acronyms are "U.S." = "US" → "u.s" (see below), "BBC" → "bbc";
 * diacritics fold ("café" → "cafe"). A hyphenated word gives its parts, each with its own offsets
 * ("tit-for-tat" → "tit", "for", "tat"), so a question with "full scale" or "full-scale" matches either
 * spelling and the highlights never overlap; a one-letter part joins its neighbour ("e-mail" → "email",
 * "G-20" → "g20"). Acronyms whose letters spell a stop word keep their dots: "U.S.", and "US" in a text
 * that has lower-case letters, both become "u.s", never the pronoun "us". Never throws.
 *
 * @example tokenize('Russia’s U.S. envoy') // → [{ term: 'russia', start: 0, end: 8 },
 * //   { term: 'u.s', start: 9, end: 13 }, { term: 'envoy', start: 14, end: 19 }]
 */
export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  if (typeof s !== 'string' || s.length === 0) return out;
  const shouting = !LOWER_CASE.test(s);
  for (const m of s.matchAll(TOKEN)) {
    const word = m[0];
    const start = m.index;
    if (!HYPHEN.test(word)) {
      pushToken(out, termOf(word, shouting), start, start + word.length);
      continue;
    }
    for (const part of hyphenParts(word, start)) {
      pushToken(out, termOf(part.text, shouting), part.start, part.end);
    }
  }
  return out;
}

/** The parts of a hyphenated word, a one-letter part glued to the next one (or, if last, the previous). */
function hyphenParts(word: string, start: number): { text: string; start: number; end: number }[] {
  const parts: { text: string; start: number; end: number }[] = [];
  let carry = '';
  let carryStart = -1;
  let pos = start;
  for (const piece of word.split(HYPHEN)) {
    const end = pos + piece.length;
    if (piece.length === 1 && /\p{L}/u.test(piece)) {
      if (carryStart < 0) carryStart = pos;
      carry += piece;
    } else {
      parts.push({ text: carry + piece, start: carryStart < 0 ? pos : carryStart, end });
      carry = '';
      carryStart = -1;
    }
    pos = end + 1;
  }
  if (carry !== '') {
    const last = parts[parts.length - 1];
    const end = start + word.length;
    if (last) {
      last.text += carry;
      last.end = end;
    } else parts.push({ text: carry, start: carryStart, end });
  }
  return parts;
}

function pushToken(out: Token[], term: string, start: number, end: number): void {
  if (term.length > 0) out.push({ term, start, end });
}

const MAX_STEM_CACHE = 200_000;
const stemCache = new Map<string, string>();
/** Porter only knows English words; anything else (numbers, "u.s", "o'brien", other scripts) is kept. */
const STEMMABLE = /^[a-z]{3,40}$/;

/**
 * Porter stem of a normalised term, memoised (the cache is cleared when it reaches 200,000 entries, so
 * memory stays bounded on any corpus). Only plain English words of 3 to 40 letters are stemmed; numbers,
 * acronyms with dots, words with apostrophes and other scripts come back unchanged.
 *
 * @example stem('expelled') // → 'expel';  stem('1.75tn') // → '1.75tn'
 */
export function stem(term: string): string {
  const cached = stemCache.get(term);
  if (cached !== undefined) return cached;
  const stemmed = STEMMABLE.test(term) ? porter.stem(term) : term;
  if (stemCache.size >= MAX_STEM_CACHE) stemCache.clear();
  stemCache.set(term, stemmed);
  return stemmed;
}

/**
 * `stem` without the memo, for one-off words (the spelling variants an unknown question word is tried
 * against): they would only push the words in use out of the cache.
 */
export function stemOnce(term: string): string {
  return stemCache.get(term) ?? (STEMMABLE.test(term) ? porter.stem(term) : term);
}

/**
 * The terms of a text for indexing and for matching a question: `tokenize`, stop words dropped, stemmed,
 * in text order with repeats. Documents and questions go through this same function.
 *
 * @example analyze('Russia’s diplomats were expelled from the U.S.') // → ['russia', 'diplomat', 'expel', 'u.s']
 */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (const t of tokenize(text)) if (!isStopWord(t.term)) terms.push(stem(t.term));
  return terms;
}

/**
 * `analyze` with each term's word offsets in `text`, for highlighting: the same terms in the same order
 * (`analyzeWithOffsets(t).map((x) => x.term)` equals `analyze(t)`), and offsets that never overlap.
 * `analyzed`, the text's terms as `analyze` gave them before (an index keeps them), saves stemming the
 * words again (a new word costs the Porter stemmer ~15 µs); it is used only when its count fits.
 *
 * @example analyzeWithOffsets('Diplomats expelled') // → [{ term: 'diplomat', start: 0, end: 9 },
 * //   { term: 'expel', start: 10, end: 18 }]
 */
export function analyzeWithOffsets(text: string, analyzed?: readonly string[]): AnalyzedToken[] {
  const out: AnalyzedToken[] = [];
  for (const t of tokenize(text)) {
    if (!isStopWord(t.term)) out.push({ term: t.term, start: t.start, end: t.end });
  }
  const known = analyzed?.length === out.length ? analyzed : undefined;
  for (let i = 0; i < out.length; i++) {
    const token = out[i] as AnalyzedToken;
    token.term = known ? (known[i] as string) : stem(token.term);
  }
  return out;
}
