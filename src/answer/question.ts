import type { CorpusStats, QueryTerm } from '../search/store.js';
import { isStopWord, normalizeText, stem, stemOnce, tokenize } from '../text/analyzer.js';
import { otherForms } from '../text/inflections.js';
import { type AnswerType, findAnswerCues, readQuestion } from '../text/question.js';
import { isKind, isKnownWord, relatedTerms, widerTerms } from '../text/synonyms.js';

/** Questions longer than this are read only up to here (the bot caps questions at 300 characters). */
export const MAX_QUESTION_CHARS = 1_000;
/** A question's terms beyond this many, lowest weight first, are dropped: they cost time, not answers. */
export const MAX_QUERY_TERMS = 16;

/** A question ready for retrieval and ranking. */
export interface ParsedQuestion {
  raw: string;
  answerType: AnswerType;
  /** Distinct analyzed terms with their IDF weight, heaviest first. */
  terms: QueryTerm[];
  weights: Map<string, number>;
  totalWeight: number;
  /** Adjacent analyzed terms of the question, in order. */
  bigrams: [string, string][];
  /** The question's words, lower-cased, to tell a new name in a sentence from one the question gave. */
  surface: Set<string>;
  /** The figures the question itself states ("Super Bowl 50", "in 1891"): a sentence repeating them gives no new one. */
  figures: Set<string>;
  /** The question's content words as written (normalised, unstemmed) with the IDF of their stem. */
  words: Map<string, number>;
  /** Analyzed terms of the question's names (capitalised words after the first), with their weight. */
  names: Map<string, number>;
  /** Kept analyzed terms in question order (repeats dropped), for phrase matches. */
  order: string[];
  /** For "how many X" / "how much X": the analyzed term of X, which a sentence's figure should count. */
  focus: string | undefined;
  /** WordNet synonyms and derivations of the question's terms (analyzed), each to the term it stands for. */
  related: Map<string, string>;
  /**
   * For "what sport…", "which countries…", "what kind of instrument…": the kind asked for (analyzed),
   * when WordNet files nouns under it; a sentence naming a noun of that kind ("tennis") likely answers.
   */
  kind: string | undefined;
  /** Acronyms the question writes ("AARP", "NATO"): a sentence that spells one out likely says what it is. */
  acronyms: string[];
  /** For "how fast / tall / heavy / hot / old / often / expensive…", "what percentage": the units an answer is counted in. */
  units: RegExp | undefined;
  /**
   * Other forms of the question's terms that the stemmer does not join ("win" for "won", "written" for
   * "wrote", "men" for "man"; analyzed), each to the term it stands for.
   */
  forms: Map<string, string>;
  /**
   * For a question word no sentence of the corpus holds ("tackels", "intercpetions"): the corpus term one
   * typing slip away (a letter dropped, added, swapped or changed; the commonest if several), analyzed,
   * to the question term it stands for. The question keeps its own term: a word the corpus never says
   * still counts as missing for the confidence.
   */
  corrections: Map<string, string>;
  /** Farther WordNet relatives of the question's terms (see `widerTerms`), each to the term it stands for. */
  wider: Map<string, string>;
}

/**
 * IDF of a term over sentences (the BM25 form, always positive). A term no sentence holds weighs most:
 * a question about something the corpus never mentions must not look answered.
 */
export function idf(term: string, stats: CorpusStats): number {
  const n = stats.sentenceCount;
  const df = stats.df(term);
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/**
 * Reads a question into weighted terms and an expected answer type.
 *
 * @example parseQuestion('How long do the diplomats have to leave Russia?', stats)
 * // → { answerType: 'duration', terms: [{ term: 'diplomat', weight: 2.9 }, { term: 'leav', … }, …], … }
 */
export function parseQuestion(raw: string, stats: CorpusStats): ParsedQuestion {
  const text = raw.slice(0, MAX_QUESTION_CHARS);
  const read = readQuestion(text);
  const order: string[] = read.terms.map((t) => t.term);
  const weights = new Map<string, number>();
  for (const term of order) if (!weights.has(term)) weights.set(term, idf(term, stats));
  const terms = [...weights]
    .map(([term, weight]) => ({ term, weight }))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, MAX_QUERY_TERMS);
  const kept = new Map(terms.map((t) => [t.term, t.weight]));
  const names = new Map<string, number>();
  for (const t of read.terms) {
    const w = kept.get(t.term);
    if (w !== undefined && (t.weightHint ?? 1) > 1) names.set(t.term, w);
  }
  const tokens = tokenize(text);
  const words = new Map<string, number>();
  let focus: string | undefined;
  tokens.forEach((t, i) => {
    if (isStopWord(t.term)) {
      if ((t.term === 'many' || t.term === 'much') && tokens[i - 1]?.term === 'how') {
        const next = tokens[i + 1];
        if (next && !isStopWord(next.term)) focus = stem(next.term);
      }
      return;
    }
    const w = kept.get(stem(t.term));
    if (w !== undefined && !words.has(t.term)) words.set(t.term, w);
  });
  const kind = kindAsked(tokens);
  const related = standInsFor(terms, kept, relatedTerms);
  const forms = standInsFor(terms, kept, otherForms);
  const corrections = new Map<string, string>();
  for (const t of tokens) {
    if (!SPELLABLE.test(t.term) || isStopWord(t.term)) continue;
    const term = stem(t.term);
    if (!kept.has(term) || stats.df(term) > 0 || isKnownWord(term) || otherForms(term).length > 0) continue;
    const fix = nearestKnown(t.term, term, stats);
    if (fix !== undefined && !kept.has(fix) && !corrections.has(fix)) corrections.set(fix, term);
  }
  // Two words the articles write as one ("Time Warner" / "TimeWarner", "health care" / "healthcare"):
  // the joined word stands for the heavier of the two.
  for (let i = 0; i + 1 < tokens.length; i++) {
    const a = tokens[i] as (typeof tokens)[number];
    const b = tokens[i + 1] as (typeof tokens)[number];
    if (isStopWord(a.term) || isStopWord(b.term) || b.start !== a.end + 1) continue;
    const joined = stem(a.term + b.term);
    if (kept.has(joined) || corrections.has(joined) || stats.df(joined) === 0) continue;
    const [x, y] = [stem(a.term), stem(b.term)];
    const heavier = (kept.get(x) ?? 0) >= (kept.get(y) ?? 0) ? x : y;
    if (kept.has(heavier)) corrections.set(joined, heavier);
  }
  const inOrder = [...new Set(read.terms.map((t) => t.term).filter((t) => kept.has(t)))];
  const bigrams: [string, string][] = [];
  for (let i = 0; i + 1 < order.length; i++) {
    const a = order[i];
    const b = order[i + 1];
    if (a && b && a !== b && kept.has(a) && kept.has(b)) bigrams.push([a, b]);
  }
  return {
    raw,
    answerType: read.answerType,
    terms,
    weights: kept,
    totalWeight: terms.reduce((s, t) => s + t.weight, 0),
    bigrams,
    surface: new Set(normalizeText(text).match(/[\p{L}\p{N}]+/gu) ?? []),
    figures: new Set(findAnswerCues(text).values.filter((v) => /^\p{Nd}\S*$/u.test(v))),
    words,
    names,
    order: inOrder,
    focus: focus !== undefined && kept.has(focus) ? focus : undefined,
    related,
    kind,
    acronyms: acronymsOf(text),
    units: unitsAsked(tokens, read.measure),
    forms,
    corrections,
    wider: standInsFor(terms, kept, widerTerms, related),
  };
}

/**
 * The terms `lookup` gives for the kept terms (their synonyms, other forms, farther relatives), each to
 * the first question term it stands for; question terms themselves and those already in `nearer` are
 * left out.
 */
function standInsFor(
  terms: QueryTerm[],
  kept: ReadonlyMap<string, number>,
  lookup: (term: string) => readonly string[],
  nearer?: ReadonlyMap<string, string>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const { term } of terms) {
    for (const r of lookup(term)) if (!kept.has(r) && !nearer?.has(r) && !out.has(r)) out.set(r, term);
  }
  return out;
}

/** Words worth correcting: plain words of 5 to 24 letters (figures, acronyms with dots and other scripts are left alone). */
const SPELLABLE = /^[a-z]{5,24}$/;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * The corpus term held by the most sentences one edit away from a word (a letter deleted, inserted,
 * changed, or two neighbours swapped, after the first letter), if any. Edits of the stem are looked up as
 * they are ("tackel" → "tackl", "counil" → "council", "intercpet" → "intercept"); edits of the word from
 * the stem's last letters on are stemmed first ("makign" → "making" → "make"), which costs a stemming each.
 */
function nearestKnown(word: string, term: string, stats: CorpusStats): string | undefined {
  let best: string | undefined;
  let bestDf = 0;
  const consider = (t: string) => {
    if (t.length < 4) return;
    const df = stats.df(t);
    if (df > bestDf) {
      best = t;
      bestDf = df;
    }
  };
  // The first letter is kept: slips there are rare, and changing it mostly makes another real word.
  editsOf(term, 1, consider);
  editsOf(word, Math.max(1, term.length - 2), (w) => consider(stemOnce(w)));
  return best;
}

/** Calls `visit` with each one-letter edit of `word` at or after position `from`. */
function editsOf(word: string, from: number, visit: (edit: string) => void): void {
  for (let i = from; i <= word.length; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (tail.length > 0) visit(head + tail.slice(1));
    if (tail.length > 1) visit(head + tail[1] + tail[0] + tail.slice(2));
    for (const c of LETTERS) {
      if (tail.length > 0 && c !== tail[0]) visit(head + c + tail.slice(1));
      visit(head + c + tail);
    }
  }
}

const ACRONYM = /(?<![\p{L}\p{N}])\p{Lu}{2,6}(?![\p{L}\p{N}])/gu;

/** The all-capital words of a question, unless the whole question is shouted. */
function acronymsOf(text: string): string[] {
  const found = text.match(ACRONYM) ?? [];
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (found.join('').length * 2 > letters) return [];
  return [...new Set(found)];
}

// A figure (or TREC's masked "<num>") with a unit of speed, length or area, weight, temperature, age or money.
const SPEED =
  /(?:\d|<num>)[\d,.]*\s*(?:-\s*)?(?:mph|km\/h|kph|knots?|(?:miles?|kilometres?|kilometers?|km|feet|metres?|meters?|m)\s+(?:per|an|a)\s+(?:hour|second|minute))\b/i;
const LENGTH =
  /(?:\d|<num>)[\d,.]*\s*(?:-\s*)?(?:miles?|mi|kilometres?|kilometers?|km|metres?|meters?|m|feet|foot|ft|inch(?:es)?|yards?|cm|centimet(?:re|er)s?|square\s+(?:miles?|kilomet(?:re|er)s?|km|feet|met(?:re|er)s?)|sq\s+(?:mi|km|ft|m)|acres?|hectares?)\b/i;
const WEIGHT =
  /(?:\d|<num>)[\d,.]*\s*(?:-\s*)?(?:pounds?|lbs?|kilo(?:gram)?s?|kg|tons?|tonnes?|grams?|g|ounces?|oz)\b/i;
const TEMPERATURE = /(?:\d|<num>)[\d,.]*\s*(?:-\s*)?(?:°|degrees?|deg\b)/i;
const AGE = /(?:\d|<num>)[\d,.]*\s*(?:-\s*)?years?(?:\s*-\s*|\s+)old\b|\baged?\s+(?:\d|<num>)/i;
const MONEY =
  /[$£€¥]\s*(?:\d|<num>)|(?:\d|<num>)[\d,.]*\s*(?:million|billion|bn|m)?\s*(?:dollars|pounds|euros|yen|cents)\b/i;
const PERCENT = /(?:\d|<num>)[\d,.]*\s*(?:%|percent\b|per\s+cent\b)/i;
const CENTURY =
  /\b(?:\d{1,2}(?:st|nd|rd|th)|(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first))[\s-]+centur/i;
const DECADE =
  /\b(?:1\d|20)\d0s\b|\b(?:19|20)?[2-9]0s\b|\b(?:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b/i;
const FREQUENCY =
  /\b(?:every|once|twice|thrice|(?:\d+|<num>|several|many|few)\s+times|annual(?:ly)?|daily|weekly|monthly|yearly|hourly|biennial(?:ly)?|per\s+(?:year|day|week|month|hour|annum))\b/i;
/** The units a "how ADJECTIVE" question's answer is counted in. */
const HOW_UNITS: Record<string, RegExp> = {
  fast: SPEED,
  quickly: SPEED,
  tall: LENGTH,
  high: LENGTH,
  deep: LENGTH,
  wide: LENGTH,
  far: LENGTH,
  big: LENGTH,
  large: LENGTH,
  heavy: WEIGHT,
  hot: TEMPERATURE,
  cold: TEMPERATURE,
  warm: TEMPERATURE,
  old: AGE,
  expensive: MONEY,
  often: FREQUENCY,
};

/** The units of a measure a "what" question names ("What was the average cost…" → money). */
const MEASURE_UNITS: Record<string, RegExp> = {
  cost: MONEY,
  costs: MONEY,
  salary: MONEY,
  salaries: MONEY,
  fee: MONEY,
  fees: MONEY,
  budget: MONEY,
  revenue: MONEY,
  temperature: TEMPERATURE,
  speed: SPEED,
  height: LENGTH,
  length: LENGTH,
  distance: LENGTH,
  weight: WEIGHT,
  mass: WEIGHT,
  age: AGE,
};

/**
 * "How fast does the Concorde fly?" → a figure with a unit of speed ("1,350 mph", "2,179 km/h");
 * "What percentage of…" → a share ("12%", "40 per cent").
 */
function unitsAsked(tokens: ReturnType<typeof tokenize>, measure: string | undefined): RegExp | undefined {
  if (tokens.some((t) => t.term === 'percentage' || t.term === 'percent')) return PERCENT;
  const what = tokens.findIndex((t) => t.term === 'what' || t.term === 'which');
  const noun = what < 0 ? '' : (tokens[what + 1]?.term ?? '');
  if (noun === 'century' || noun === 'centuries') return CENTURY;
  if (noun === 'decade') return DECADE;
  if (measure !== undefined && MEASURE_UNITS[measure]) return MEASURE_UNITS[measure];
  const at = tokens.findIndex((t) => t.term === 'how');
  if (at < 0) return undefined;
  const next = tokens[at + 1]?.term ?? '';
  if (next === 'much' && tokens.some((t) => /^(?:cost|costs|pay|paid|price|worth|spend|spent)$/.test(t.term)))
    return MONEY;
  return HOW_UNITS[next];
}

const WHAT = new Set(['what', 'which']);
/** Words that stand between "what" and the kind: "what kind of sport", "which type of instrument". */
const KIND_OF = new Set([
  'kind',
  'kinds',
  'type',
  'types',
  'sort',
  'sorts',
  'form',
  'forms',
  'style',
  'genre',
  'of',
]);

/**
 * The kind a "what/which" question asks for: the first of the few content words after "what" or
 * "which" that WordNet knows as a kind ("What sport do the Harlem Globetrotters play?" → sport;
 * "What style of music does Nirvana play?" → music).
 */
function kindAsked(tokens: ReturnType<typeof tokenize>): string | undefined {
  const at = tokens.findIndex((t) => WHAT.has(t.term));
  if (at < 0) return undefined;
  let content = 0;
  for (let i = at + 1; i < tokens.length && content < 3; i++) {
    const word = tokens[i]?.term ?? '';
    if (KIND_OF.has(word) || isStopWord(word)) continue;
    const term = stem(word);
    if (isKind(term)) return term;
    content++;
  }
  return undefined;
}
