import type { Sentence } from '../corpus/article.js';

/** A sentence of a text: `text === input.slice(start, end)`, with no whitespace at either end. */
export interface SentenceSpan {
  text: string;
  start: number;
  end: number;
}

// Why a hand-written scanner rather than natural's SentenceTokenizer or Intl.Segmenter: natural splits
// inside "U.S." and "$1.75" and is superlinear; Intl.Segmenter splits after every "Mr." and before
// "she asked" and still needs a re-joining pass that has to re-read both sides of each break. One pass
// that only considers a terminator followed by whitespace is linear, never looks at decimals or URLs,
// and keeps every rule in this file (figures in the commit message of this module).

/** Titles before a name: a capitalised one is never the end of a sentence ("Mr. Johnson", "Lt. Gov."). */
const TITLES = new Set([
  'mr',
  'mrs',
  'ms',
  'messrs',
  'mme',
  'dr',
  'prof',
  'sen',
  'rep',
  'gov',
  'gen',
  'lt',
  'col',
  'maj',
  'capt',
  'cpt',
  'sgt',
  'cpl',
  'pte',
  'adm',
  'cmdr',
  'cdr',
  'brig',
  'rev',
  'hon',
  'pres',
  'supt',
  'insp',
  'det',
  'fr',
]);

/** Abbreviations never followed by the end of a sentence in news text ("e.g. wine", "cf. the"). */
const NEVER_FINAL = new Set(['e.g', 'i.e', 'cf', 'viz', 'approx']);

/**
 * Abbreviations that end a sentence now and then ("…according to Microsoft Corp. The deal…"): they end
 * one only when the next word is a common sentence starter (see STARTERS). Dotted acronyms ("U.S.",
 * "a.m.") and single initials ("W.") follow the same rule without being listed.
 */
const ABBREVIATIONS = new Set([
  'inc',
  'ltd',
  'co',
  'corp',
  'llc',
  'bros',
  'vs',
  'v',
  'etc',
  'al',
  'est',
  'dept',
  'univ',
  'assn',
  'jr',
  'sr',
  'st',
  'ave',
  'blvd',
  'rd',
  'mt',
  'ft',
  'ph.d',
]);

/**
 * Abbreviations written before a number ("Jan. 6", "No. 10", "Sept. 2021"): they go on only into a
 * number, so "Ant and Dec. Natalie Appleton…" splits. Weekdays are left out: "Sun." is a newspaper and
 * a company far more often than a Sunday.
 */
const BEFORE_NUMBER = new Set([
  'no',
  'nos',
  'vol',
  'pp',
  'fig',
  'ref',
  'art',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
]);

/**
 * Words that commonly open a news sentence. After an abbreviation that can end a sentence, a capitalised
 * word from this list starts a new one ("He lives in the U.S. He works…"), any other capitalised word is
 * a name the abbreviation belongs to ("the U.S. Treasury", "George W. Bush"). "A" and "I" are left out:
 * they are initials as often as they are starters.
 */
const STARTERS = new Set([
  'The',
  'An',
  'He',
  'She',
  'It',
  'They',
  'We',
  'You',
  'This',
  'That',
  'These',
  'Those',
  'There',
  'Here',
  'Its',
  'His',
  'Her',
  'Their',
  'Our',
  'My',
  'Your',
  'But',
  'And',
  'Or',
  'So',
  'Yet',
  'However',
  'Meanwhile',
  'Now',
  'Then',
  'Still',
  'Also',
  'In',
  'On',
  'At',
  'As',
  'After',
  'Before',
  'During',
  'Since',
  'When',
  'While',
  'If',
  'Although',
  'Though',
  'Because',
  'Some',
  'Many',
  'Most',
  'Both',
  'All',
  'Each',
  'Neither',
  'One',
  'Another',
  'Such',
  'What',
  'Who',
  'Why',
  'How',
  'Where',
  'Which',
  'Last',
  'Next',
  'Earlier',
  'Later',
  'Today',
  'Yesterday',
  'Instead',
  'Overall',
  'Much',
  'More',
  'Few',
  'Not',
  'No',
  'Every',
  'Other',
  'Even',
  'Only',
  'Former',
  'Under',
  'For',
  'With',
  'From',
  'By',
  'To',
  'Despite',
  'According',
]);

const UPPER = /^[\p{Lu}\p{Lt}]/u;
/** Lower-case brand names that start sentences: "iPhone", "eBay". */
const CAMEL = /^\p{Ll}+\p{Lu}/u;
/** Something a sentence can open with besides a capital: a digit, a currency sign, a letter without case. */
const OPENS_SENTENCE = /^[\p{Nd}\p{Sc}\p{Lo}]/u;
const DOTTED_ACRONYM = /^(?:\p{L}\.)+\p{L}$/u;
const TITLE_CASE = /^\p{Lu}\p{Ll}*$/u;
const SINGLE_INITIAL = /^\p{Lu}$/u;
/** Longest word worth reading on either side of a terminator; longer ones are never abbreviations. */
const MAX_WORD = 24;
/** A citation mark right after a sentence's full stop: "[12]", "[a]", "[citation needed]", ":33", ":162–164". */
const CITATION = /(?:\[(?:\d{1,4}|[a-z]|citation needed)\])+|:\d{1,4}(?:[–-]\d{1,4})?(?=\s)/y;

function isTerminator(c: number): boolean {
  // . ! ? … ‽
  return c === 46 || c === 33 || c === 63 || c === 0x2026 || c === 0x203d;
}

function isCloser(c: number): boolean {
  // " ' ” ’ » ) ] }
  return (
    c === 34 || c === 39 || c === 0x201d || c === 0x2019 || c === 0xbb || c === 41 || c === 93 || c === 125
  );
}

function isOpener(c: number): boolean {
  // " ' “ ‘ « ( [ {
  return (
    c === 34 || c === 39 || c === 0x201c || c === 0x2018 || c === 0xab || c === 40 || c === 91 || c === 123
  );
}

function isBullet(c: number): boolean {
  // - – — • * ·
  return c === 45 || c === 0x2013 || c === 0x2014 || c === 0x2022 || c === 42 || c === 0xb7;
}

function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** The word just before `end` (back to whitespace), without opening quotes or brackets; '' if too long. */
function wordBefore(text: string, from: number, end: number): string {
  let i = end;
  const limit = Math.max(from, end - MAX_WORD);
  while (i > limit && !isSpace(text.charCodeAt(i - 1))) i--;
  if (i > from && !isSpace(text.charCodeAt(i - 1))) return '';
  while (i < end && isOpener(text.charCodeAt(i))) i++;
  return text.slice(i, end);
}

function opensWithQuote(text: string, from: number): boolean {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i);
  return c === 0x201c || c === 0x2018 || c === 34 || c === 39;
}

/** The first word after `from`, skipping whitespace and opening quotes; '' at the end of the text. */
function wordAfter(text: string, from: number): string {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const stop = Math.min(text.length, i + MAX_WORD);
  while (i < stop && isOpener(text.charCodeAt(i))) i++;
  let j = i;
  const wordStop = Math.min(text.length, i + MAX_WORD);
  // A word here is letters and digits; the first character is taken whatever it is so that "—" or "$"
  // can be classified.
  if (j < wordStop) j++;
  while (j < wordStop && /[\p{L}\p{N}]/u.test(text[j] ?? '')) j++;
  return text.slice(i, j);
}

/**
 * Whether the terminator run `[runStart, runEnd)`, followed by closing quotes up to `closeEnd` and then by
 * whitespace, ends a sentence.
 */
function endsSentence(text: string, segStart: number, runStart: number, runEnd: number, closeEnd: number) {
  const next = wordAfter(text, closeEnd);
  if (next === '') return true;
  // Only a capital (or a digit, "$", "iPhone") opens a sentence. A lower-case word goes on the same one
  // ("“Is it over?” she asked", "etc. and", "… and then"), and so does a dash or the next dot of ". . ."
  // ("Wham! - the band").
  if (!(UPPER.test(next) || CAMEL.test(next) || OPENS_SENTENCE.test(next))) return false;
  const run = text.slice(runStart, runEnd);
  if (/[!?‽]/.test(run) || closeEnd > runEnd) return true;
  if (run.length > 1 || run === '…') {
    // An ellipsis opening a clause ("said: “… We will") continues it; one after a word may end it.
    const before = runStart > segStart ? text.charCodeAt(runStart - 1) : 32;
    return !isSpace(before) && !isOpener(before);
  }
  const word = wordBefore(text, segStart, runStart);
  if (word === '') return true;
  const key = word.toLowerCase();
  if (NEVER_FINAL.has(key)) return false;
  // "Ms Smith" but "patients with MS. Final approval…": only the Capitalised spelling is a title.
  if (TITLES.has(key) && TITLE_CASE.test(word)) return false;
  if (BEFORE_NUMBER.has(key)) return !/^\p{Nd}/u.test(next);
  if (ABBREVIATIONS.has(key) || SINGLE_INITIAL.test(word) || DOTTED_ACRONYM.test(word)) {
    // A quotation opening after it is a new sentence too: names do not start with a quote mark.
    return STARTERS.has(next) || opensWithQuote(text, closeEnd);
  }
  return true;
}

function pushTrimmed(out: SentenceSpan[], text: string, start: number, end: number): void {
  let s = start;
  let e = end;
  while (s < e && isSpace(text.charCodeAt(s))) s++;
  while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
  if (e > s) out.push({ text: text.slice(s, e), start: s, end: e });
}

/**
 * Splits a paragraph (or any text) into sentences, with offsets into `text`. A sentence ends at `.`, `!`,
 * `?` or an ellipsis (plus any closing quotes or brackets) followed by whitespace and a word that can
 * open a sentence; a blank line always ends one. Abbreviations, initials, decimals, "a.m." and quoted
 * speech followed by its attribution do not split. After an abbreviation that can also end a sentence
 * ("U.S.", "p.m.", "Inc.", "etc.", an initial), the next word decides: a common sentence starter ("The",
 * "He", "But", …) splits, any other capitalised word is taken as a name ("the U.S. Treasury"). A blank
 * line, or a line break before a list bullet ("\n - "), always ends a sentence; any other single line
 * break is a space (hard-wrapped text). Never throws; linear in the length of the text.
 *
 * @example
 * splitSentences('He said: “It is over.” Then he left.')
 * // → [{ text: 'He said: “It is over.”', start: 0, end: 22 }, { text: 'Then he left.', start: 23, end: 36 }]
 */
export function splitSentences(text: string): SentenceSpan[] {
  const out: SentenceSpan[] = [];
  if (typeof text !== 'string') return out;
  const n = text.length;
  let segStart = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 10 && isSpace(text.charCodeAt(j))) j++;
      if (j < n && text.charCodeAt(j) === 10) {
        pushTrimmed(out, text, segStart, i);
        segStart = j + 1;
      } else if (j + 1 < n && isBullet(text.charCodeAt(j)) && isSpace(text.charCodeAt(j + 1))) {
        // Scraped lists keep their items in one paragraph ("…the budget:\n - Raised the threshold…").
        pushTrimmed(out, text, segStart, i);
        segStart = j;
      }
      i = j;
      continue;
    }
    if (!isTerminator(c)) {
      i++;
      continue;
    }
    const runStart = i;
    while (i < n && isTerminator(text.charCodeAt(i))) i++;
    const runEnd = i;
    while (i < n && isCloser(text.charCodeAt(i))) i++;
    // Wikipedia's citation marks stay with the sentence they close: "…in 1888.[12] He…", "…memory.:33 He…".
    CITATION.lastIndex = i;
    if (CITATION.test(text)) i = CITATION.lastIndex;
    const closeEnd = i;
    // "3.5", "U.S.-led", "gov.uk": a terminator not followed by whitespace never ends a sentence, unless
    // a closing quote sits between it and a capital (scraped 'carpet."It was', no space).
    if (i < n && !isSpace(text.charCodeAt(i)) && !(closeEnd > runEnd && UPPER.test(text[i] ?? ''))) continue;
    if (endsSentence(text, segStart, runStart, runEnd, closeEnd)) {
      pushTrimmed(out, text, segStart, closeEnd);
      segStart = closeEnd;
    }
  }
  pushTrimmed(out, text, segStart, n);
  return out;
}

/**
 * Splits an article's paragraphs into sentences. `text` is the paragraphs joined by a blank line, and
 * every sentence's offsets point into it; sentences never cross paragraphs, `paragraph` counts from 1 and
 * `index` numbers the sentences of the article from 0.
 *
 * @example
 * splitArticleSentences('000-bbc', ['Headline', 'Mr. Smith won. He left.'])
 * // → { text: 'Headline\n\nMr. Smith won. He left.', sentences: [
 * //   { articleId: '000-bbc', index: 0, paragraph: 1, start: 0, end: 8, text: 'Headline' },
 * //   { articleId: '000-bbc', index: 1, paragraph: 2, start: 10, end: 24, text: 'Mr. Smith won.' },
 * //   { articleId: '000-bbc', index: 2, paragraph: 2, start: 25, end: 33, text: 'He left.' } ] }
 */
export function splitArticleSentences(
  articleId: string,
  paragraphs: string[],
): { text: string; sentences: Sentence[] } {
  const text = paragraphs.join('\n\n');
  const sentences: Sentence[] = [];
  let offset = 0;
  paragraphs.forEach((para, p) => {
    for (const s of splitSentences(para)) {
      sentences.push({
        articleId,
        index: sentences.length,
        paragraph: p + 1,
        start: offset + s.start,
        end: offset + s.end,
        text: s.text,
      });
    }
    offset += para.length + 2;
  });
  return { text, sentences };
}
