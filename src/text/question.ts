import { isStopWord, normalizeText, stem, type Token, tokenize } from './analyzer.js';

/** The kind of thing a question asks for; the ranker favours sentences that hold one. */
export type AnswerType =
  | 'person'
  | 'date'
  | 'number'
  | 'place'
  | 'organization'
  | 'reason'
  | 'manner'
  | 'definition'
  | 'duration'
  | 'other';

/** A question read for retrieval: its analysed terms in order, the answer type, and the text as asked. */
export interface ReadQuestion {
  /** Analysed terms (as `analyze` makes them), in question order; `weightHint` > 1 marks a name. */
  terms: Array<{ term: string; weightHint?: number }>;
  answerType: AnswerType;
  /** For "What is the population of…", "What was the average cost…": the measure asked for (its noun). */
  measure: string | undefined;
  raw: string;
}

/** Nouns after "what"/"which" that name the answer type; the noun is then not a search term. */
const TYPE_NOUNS: Record<string, AnswerType> = {
  year: 'date',
  years: 'date',
  date: 'date',
  day: 'date',
  month: 'date',
  time: 'date',
  decade: 'date',
  century: 'date',
  percentage: 'number',
  percent: 'number',
  proportion: 'number',
  number: 'number',
  amount: 'number',
  price: 'number',
  sum: 'number',
  company: 'organization',
  companies: 'organization',
  organisation: 'organization',
  organization: 'organization',
  organisations: 'organization',
  organizations: 'organization',
  firm: 'organization',
  firms: 'organization',
  group: 'organization',
  agency: 'organization',
  party: 'organization',
  team: 'organization',
  club: 'organization',
  bank: 'organization',
  country: 'place',
  countries: 'place',
  city: 'place',
  cities: 'place',
  town: 'place',
  region: 'place',
  place: 'place',
  state: 'place',
  person: 'person',
  man: 'person',
  woman: 'person',
  minister: 'person',
  player: 'person',
};

/** Words after "how" and what they ask for; "how" alone (or before a verb) asks for a manner. */
const HOW_WORDS: Record<string, AnswerType> = {
  many: 'number',
  much: 'number',
  old: 'number',
  far: 'number',
  big: 'number',
  large: 'number',
  high: 'number',
  tall: 'number',
  often: 'number',
  fast: 'number',
  quickly: 'number',
  deep: 'number',
  wide: 'number',
  heavy: 'number',
  hot: 'number',
  cold: 'number',
  warm: 'number',
  expensive: 'number',
  populous: 'number',
  long: 'duration',
  soon: 'date',
  early: 'date',
  late: 'date',
  come: 'reason',
};

/** A "what is" question with more content words than this asks about something, not for a definition. */
const DEFINITION_TERMS = 3;
const BE = new Set(['is', 'are', 'was', 'were', "what's", 'be']);
const CAUSE = new Set(['cause', 'caused', 'causes', 'led', 'prompted', 'triggered', 'made']);

/**
 * Reads a question: finds the answer type from its question words before they are dropped, then gives
 * the analysed terms (stop words out, stemmed, the same analyzer as the documents). who/whom/whose →
 * person, when / what year / what date → date, how many / how much / what percentage → number, how long
 * → duration, where → place, why / what caused → reason, how → manner, what is X → definition, which
 * company / organisation → organization, no question word → other. The first question word decides
 * ("In what year…" → date), and a noun that named the type ("year", "company") is not a search term.
 * Capitalised words after the first (names) get `weightHint: 1.5`. Never throws.
 *
 * @example readQuestion('How long do the diplomats have to leave Russia?')
 * // → { answerType: 'duration', raw: '…',
 * //     terms: [{ term: 'diplomat' }, { term: 'leav' }, { term: 'russia', weightHint: 1.5 }] }
 */
export function readQuestion(question: string): ReadQuestion {
  const raw = typeof question === 'string' ? question : '';
  const tokens = tokenize(raw);
  const { answerType, consumed, measure } = answerTypeOf(raw, tokens);
  const terms: ReadQuestion['terms'] = [];
  tokens.forEach((t, i) => {
    if (consumed.has(i) || isStopWord(t.term)) return;
    const first = raw.slice(t.start, t.start + 1);
    const name = i > 0 && first !== first.toLowerCase();
    terms.push(name ? { term: stem(t.term), weightHint: 1.5 } : { term: stem(t.term) });
  });
  return { terms, answerType, measure, raw };
}

/** Nouns of a measure: "what is the X of", "what was the starting X" ask for a figure. */
const MEASURE_NOUNS = new Set(
  'number amount population cost costs salary salaries fee fees budget revenue temperature speed height length distance weight mass age score'.split(
    ' ',
  ),
);
const ARTICLES = new Set(['the', 'a', 'an']);

/**
 * The measure noun a "what/which" question at `at` asks for: right after the question word ("What
 * temperature…"), or after "is/was the" and at most three more words ("What was the starting cost…",
 * "What was Tesla's monthly salary?"). A capitalised one names something ("the Stone Age", "the Mass").
 */
function measureAsked(raw: string, tokens: readonly Token[], at: number): string | undefined {
  const measure = (i: number) => {
    const t = tokens[i];
    return t && MEASURE_NOUNS.has(t.term) && !UPPER_START.test(raw.slice(t.start, t.end))
      ? t.term
      : undefined;
  };
  let i = at + 1;
  if (BE.has(tokens[i]?.term ?? '')) {
    i++;
    if (ARTICLES.has(tokens[i]?.term ?? '')) i++;
  } else return measure(i);
  for (const end = i + 4; i < end && i < tokens.length; i++) {
    const found = measure(i);
    if (found !== undefined) return found;
    const t = tokens[i]?.term ?? '';
    if (t === 'of' || WH_WORDS.has(t) || AUXILIARIES.has(t)) return undefined;
  }
  return undefined;
}
const UPPER_START = /^\p{Lu}/u;

const FRAME_WORDS = new Set(['type', 'types', 'kind', 'kinds', 'sort', 'name', 'term']);
const WH_WORDS = new Set(['who', 'whom', 'whose', 'when', 'where', 'why', 'how', 'what', 'which']);
const AUXILIARIES = new Set(
  'do does did is are was were will would can could should shall has have had may might must'.split(' '),
);
/** "modern-day", "present-day": before a noun they say nothing of a date. */
const MODERN = new Set(['modern', 'present']);

function answerTypeOf(
  raw: string,
  tokens: Token[],
): { answerType: AnswerType; consumed: Set<number>; measure?: string } {
  const consumed = new Set<number>();
  const first = tokens.findIndex((t) => WH_WORDS.has(t.term));
  // "When John Fox left, who replaced him?": a "when" clause before a comma sets the scene; the question
  // word after the comma asks ("When did…" asks itself).
  const asking =
    tokens[first]?.term === 'when' && !AUXILIARIES.has(tokens[first + 1]?.term ?? '')
      ? tokens.findIndex(
          (t, i) => i > first && WH_WORDS.has(t.term) && raw.slice(tokens[first]!.end, t.start).includes(','),
        )
      : -1;
  const at = asking > first ? asking : first;
  const wh = tokens[at];
  // tokenize cuts "'s": "What's the…" is "what is the…".
  const word = wh && wh.term === 'what' && /['’]s$/i.test(raw.slice(wh.start, wh.end)) ? "what's" : wh?.term;
  const next = tokens[at + 1]?.term ?? '';
  const type = (answerType: AnswerType, ...used: number[]) => {
    for (const u of used) consumed.add(u);
    return { answerType, consumed };
  };
  switch (word) {
    case undefined:
      return type('other');
    case 'who':
    case 'whom':
    case 'whose':
      return type('person');
    case 'when':
      return type('date');
    case 'where':
      return type('place');
    case 'why':
      return type('reason');
    case 'how': {
      const asked = HOW_WORDS[next];
      return asked ? type(asked, at + 1) : type('manner');
    }
    default: {
      // "What type of water…", "What is the name of the trophy…", "What term…": words that say how the
      // answer is asked for, not what it is about, are no search terms.
      for (let i = at + 1; i <= at + 4 && i < tokens.length; i++) {
        const t = tokens[i]?.term ?? '';
        if (
          FRAME_WORDS.has(t) &&
          (tokens[i + 1]?.term === 'of' || tokens[i + 1]?.term === 'for' || t === 'term')
        )
          consumed.add(i);
      }
      // what / which: the noun right after, or after "kind of", names the type. "What modern-day
      // country…" asks for a country, not a day.
      const lead = MODERN.has(next) && tokens[at + 2]?.term === 'day' ? 2 : 0;
      const noun = TYPE_NOUNS[tokens[at + 1 + lead]?.term ?? ''];
      if (noun) return type(noun, at + 1 + lead);
      if (CAUSE.has(next)) return type('reason');
      // "What was the starting cost…", "What is the population of…", "What temperature…": a measure
      // asks for a figure. The noun stays a search term: the answer's sentence often says it.
      const measure = measureAsked(raw, tokens, at);
      if (measure !== undefined) return { ...type('number'), measure };
      // "What is a sonnet?" asks for a definition; "What is the name of Durst's group?" or "What is
      // Crips' gang colour?" asks for a thing, of no type this reader knows.
      if (word === "what's" || (word === 'what' && BE.has(next))) {
        const content = tokens.filter((t, i) => i > at && !isStopWord(t.term)).length;
        if (content <= DEFINITION_TERMS && tokens[at + (word === 'what' ? 3 : 2)]?.term !== 'name') {
          return type('definition');
        }
      }
      // "Which NFL team…", "What Denver player…": the type noun one word further on.
      const later = tokens[at + 2 + lead]?.term ?? '';
      const laterNoun = TYPE_NOUNS[later];
      if (laterNoun && !BE.has(next)) return type(laterNoun, at + 2 + lead);
      return type('other');
    }
  }
}

/** What a sentence holds that could answer a question of some type (see `findAnswerCues`). */
export interface AnswerCues {
  /** A year 1000–2099 ("2022", "in 1988"), not an amount ("$2000", "2000%"). */
  hasYear: boolean;
  /** A month, weekday, "yesterday"/"today"/"last week", or a numeric date ("24/02/2022", "2022-02-24"). */
  hasDate: boolean;
  /** A figure ("19", "3.5%", "$1.75tn") or a number word ("two", "dozens", "million"). */
  hasNumber: boolean;
  /** An amount of time: "two weeks", "19 years", "48 hours", "a decade", "10-year". */
  hasDuration: boolean;
  /** Runs of capitalised words, leading stop words, months and weekdays dropped ("The Kremlin" → "Kremlin"). */
  properNames: string[];
  /** A place preposition before a capitalised word ("in Kyiv", "from the Kremlin") or a place noun. */
  hasPlaceCue: boolean;
  /**
   * The answer values the sentence holds, normalised so that two sentences stating the same fact share
   * them: figures as the analyzer writes them ("1,000" → "1000", "$1.75tn" → "1.75tn"), the names,
   * lower-cased and folded ("Zelenskyý" → "zelenskyy"), and amounts of time as "amount unit" with small
   * number words as digits ("two weeks", "2-week" → "2 week").
   */
  values: string[];
}

const MONTHS =
  'January|February|March|April|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec';
const WEEKDAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
/** "1988", "the 1990s"; not "$2000", "2000%", "1,000", "2000m". */
const YEAR = /(?<![\w$£€.,])(?:1\d{3}|20\d{2})(?!\d|%|,\d|\.\d|[a-rt-zA-Z])/;
// Month and weekday names only capitalised ("a march on Parliament" is no date); "May" only beside a
// number or after "in"/"since"/… (it is a name as often as a month).
const DATE_NAMES = new RegExp(
  `\\b(?:${MONTHS}|${WEEKDAYS})\\b|\\bMay\\s+\\d|\\d\\s+May\\b|\\b(?:[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y|[Ll]ast|[Nn]ext|[Ee]arly|[Ll]ate|[Mm]id-?)\\s+May\\b`,
);
const DATE_WORDS =
  /\b(?:yesterday|today|tonight|tomorrow)\b|\b(?:last|next|this)\s+(?:week|month|year|weekend)\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b/i;
const NUMBER_WORDS =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion|dozen';
// "<num>" is a figure masked by a corpus that hides them (TREC QA's tokenized newswire does).
const NUMBER = new RegExp(`\\d|<num>|\\b(?:${NUMBER_WORDS})s?\\b|\\bhalf\\b`, 'i');
const UNITS = 'seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|years?|decades?|centur(?:y|ies)';
const DURATION = new RegExp(
  `\\b(?:\\d+(?:\\.\\d+)?|${NUMBER_WORDS}|an?|several|few|many|some|couple\\s+of)[\\s-]+(?:more\\s+|long\\s+|full\\s+)?(?:${UNITS})\\b`,
  'i',
);
/** A counted amount of time, amount and unit captured: "two weeks", "48 hours", "a decade", "10-year". */
const DURATION_VALUE = new RegExp(
  `\\b(\\d+(?:\\.\\d+)?|${NUMBER_WORDS}|an?)[\\s-]+(?:more\\s+|long\\s+|full\\s+)?(${UNITS})\\b`,
  'gi',
);
const SMALL_NUMBERS = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** "Two Weeks" → "2 week", "a decade" → "1 decade", "48 hours" → "48 hour". */
function durationValue(amount: string, unit: string): string {
  const lower = amount.toLowerCase();
  const n = lower === 'a' || lower === 'an' ? 1 : SMALL_NUMBERS.indexOf(lower);
  const singular = unit.toLowerCase().replace(/ies$/, 'y').replace(/s$/, '');
  return `${n > 0 ? n : lower} ${singular}`;
}
const PLACE_PREPOSITION =
  /\b(?:in|at|from|to|near|into|across|outside|inside|throughout|through|around|towards?|via)\s+(?:the\s+)?(\p{Lu}[\p{L}\p{M}'’-]*)/gu;
const PLACE_NOUNS =
  /\b(?:city|capital|country|region|province|border|town|village|street|airport|embassy|port|coast|island)\b/i;
const NAME_RUN =
  /\p{Lu}[\p{L}\p{M}'’.&-]*(?:\s+(?:(?:of|de|da|van|von|al|bin|du|la|le)\s+)?\p{Lu}[\p{L}\p{M}'’.&-]*)*/gu;
const HAS_DIGIT = /\p{Nd}/u;
const FIGURE = /^\p{Nd}/u;
const NOT_NAMES = new RegExp(`^(?:${MONTHS}|May|${WEEKDAYS}|I)$`);

/**
 * Cheap cues that a sentence holds an answer of some type, for the ranker (regexes only; it runs on every
 * candidate sentence). `properNames` are runs of capitalised words anywhere in the sentence, including
 * its first word, with leading stop words ("The", "He", "Mr"), months, weekdays and "I" dropped; a
 * possessive "’s" is cut ("Russia’s" → "Russia").
 *
 * @example findAnswerCues('Russia gave the diplomats two weeks to leave Moscow, the Kremlin said on Monday.')
 * // → { hasYear: false, hasDate: true, hasNumber: true, hasDuration: true,
 * //     properNames: ['Russia', 'Moscow', 'Kremlin'], hasPlaceCue: false,
 * //     values: ['russia', 'moscow', 'kremlin'] }
 */
export function findAnswerCues(sentenceText: string): AnswerCues {
  const text = stripDateline(typeof sentenceText === 'string' ? sentenceText : '');
  const properNames = properNamesOf(text);
  const values = new Set<string>();
  if (HAS_DIGIT.test(text)) for (const t of tokenize(text)) if (FIGURE.test(t.term)) values.add(t.term);
  for (const name of properNames) values.add(normalizeText(name));
  for (const m of text.matchAll(DURATION_VALUE)) values.add(durationValue(m[1] ?? '', m[2] ?? ''));
  return {
    hasYear: YEAR.test(text),
    hasDate: DATE_NAMES.test(text) || DATE_WORDS.test(text),
    hasNumber: NUMBER.test(text),
    hasDuration: DURATION.test(text),
    properNames,
    hasPlaceCue: hasPlaceCue(text),
    values: [...values],
  };
}

// "LONDON, Feb 6 (Reuters) - ", "NANJING , January <num> -LRB- Xinhua -RRB- -- ", "WASHINGTON (AP) — ":
// a capitalised place, maybe a date and an agency, then a dash.
const DATELINE = new RegExp(
  `^\\p{Lu}[\\p{Lu}\\s.'-]{1,30}(?:\\s?,\\s?\\p{Lu}[\\p{L}.\\s]{1,20}?)?` +
    `(?:\\s?,\\s?(?:${MONTHS}|May)\\.?\\s+(?:\\d{1,2}|<num>)(?:\\s?,\\s?(?:\\d{4}|<num>))?)?` +
    `\\s*(?:(?:-LRB-|\\()\\s*[\\p{L}\\s]{1,30}?\\s*(?:-RRB-|\\))\\s*)?(?:--|—|–|-|_)\\s+`,
  'u',
);

/**
 * A news sentence without its dateline: the place and date a wire story was filed from say when and
 * where it was written, not when or where the event happened.
 *
 * @example stripDateline('LONDON, Feb 6 (Reuters) - The bank raised rates.') // → 'The bank raised rates.'
 */
export function stripDateline(text: string): string {
  const m = DATELINE.exec(text);
  // Only a dateline with a date, an agency or an all-capitals place: "Hale-Bopp - the comet" is none.
  if (!m || !(/\d|<num>|-LRB-|\(/.test(m[0]) || /^\p{Lu}{2,}/u.test(m[0]))) return text;
  return text.slice(m[0].length);
}

function hasPlaceCue(text: string): boolean {
  if (PLACE_NOUNS.test(text)) return true;
  for (const m of text.matchAll(PLACE_PREPOSITION)) if (!NOT_NAMES.test(m[1] ?? '')) return true;
  return false;
}

function properNamesOf(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(NAME_RUN)) {
    const words = m[0]
      .replace(/['’]s$/, '')
      .replace(/[.,-]+$/, '')
      .split(/\s+/);
    while (words.length > 0 && (isStopWord(words[0]!.toLowerCase()) || NOT_NAMES.test(words[0]!))) {
      words.shift();
    }
    const name = words.join(' ');
    if (name !== '' && !names.includes(name)) names.push(name);
  }
  return names;
}
