/**
 * The shape of a line, as jusText measures a block: length, words, how many of them are stop words, and
 * whether it reads as a sentence. Prose is long, ends in punctuation and is dense in function words;
 * menus, headline lists and credits are short, unpunctuated and made of names.
 */

/**
 * Common English function words. Their density tells prose from lists of names and headlines; a small
 * list of our own keeps the cleaner free of the language layer.
 */
const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have ' +
    'having he her here hers herself him himself his how i if in into is it its itself just like many me ' +
    'more most much must my myself no nor not now of off on once only or other our ours ourselves out ' +
    'over own said same says she should since so some still such than that the their theirs them ' +
    'themselves then there these they this those through to too under until up upon very was we were what ' +
    'when where which while who whom whose why will with would yet you your yours yourself yourselves ' +
    "it's he's she's that's there's they're we're i'm don't didn't doesn't isn't wasn't won't can't " +
    'one two three four may might shall us however although though whether per among within without'
  ).split(' '),
);

/** The measured shape of one normalised line. */
export interface LineShape {
  chars: number;
  words: number;
  /** Share of words that are stop words, 0..1. */
  stopDensity: number;
  /** Ends like a sentence: `.`, `!`, `?`, `…` or `:`, possibly followed by closing quotes or brackets. */
  endsSentence: boolean;
  /** Starts with a list marker (`- `, `• `, `* `…), as a copied `<li>` does. */
  bullet: boolean;
  /** Has at least one lower-case letter (all-caps and symbol-only lines are labels, not prose). */
  hasLower: boolean;
}

const SENTENCE_END = /[.!?…:;]["'”’»)\]]*$/;
const BULLET = /^[-–—•*·▪►▶■◦]\s/;
/** Measures a normalised line. */
export function measureLine(text: string): LineShape {
  const body = text.replace(BULLET, '');
  const tokens = body === '' ? [] : body.toLowerCase().replaceAll('’', "'").split(' ');
  let stops = 0;
  for (const token of tokens) if (STOP_WORDS.has(token) || STOP_WORDS.has(trimToWord(token))) stops += 1;
  return {
    chars: text.length,
    words: tokens.length,
    stopDensity: tokens.length === 0 ? 0 : stops / tokens.length,
    // Only the end of a line can end a sentence; testing a short tail keeps the check constant-time.
    endsSentence: SENTENCE_END.test(text.slice(-8)),
    bullet: BULLET.test(text),
    hasLower: /\p{Ll}/u.test(text),
  };
}

/** Strips what is not an ASCII letter or apostrophe from both ends: `"said,` → `said`. */
function trimToWord(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && !isWordChar(token.charCodeAt(start))) start += 1;
  while (end > start && !isWordChar(token.charCodeAt(end - 1))) end -= 1;
  return token.slice(start, end);
}

function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || code === 39;
}
