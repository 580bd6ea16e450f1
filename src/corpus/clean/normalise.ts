/**
 * Line normalisation for the cleaner: what a copied page leaves in a line that no reader sees (zero-width
 * characters, control characters, escaped invisible characters such as a literal `u200b`) and stray
 * URLs, which a copy glues to the text around them.
 */

// Zero-width, soft-hyphen, bidi-control and BOM characters: invisible on the page, noise in a quote.
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// C0/C1 controls except tab; they cannot be in text a person reads.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// An invisible character that reached the text escaped (`u200b`, `\u200B`) or as an HTML entity.
const ESCAPED_INVISIBLE =
  /\\?\bu(?:200[b-fB-F]|2060|[fF][eE][fF][fF])(?![0-9a-z])|&(?:#8203|#x200[bB]|zwsp|zwnj|zwj|shy|#173);/g;
const ENTITY_SPACE = /&(?:nbsp|#160|#xa0);/gi;
// Any Unicode space (no-break, thin, ideographic, line separators) counts as one plain space.
const SPACES = /[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
/** Where a URL starts: a scheme, or `www.` and a domain label. */
const URL_START = /\b(?:https?:\/\/|www\.[a-z0-9-]+\.)/g;
/** Characters a URL in text does not cross: whitespace, angle brackets, quotes. */
const URL_STOP = new Set([...' \t<>"\'“”‘’']);
/** Punctuation at the end of a URL belongs to the sentence around it. */
const URL_TRAILING = new Set([...'.,;:!?)]']);

/** Anything `normaliseLine` would change besides the ends; most lines of a page hold none of it. */
const NEEDS_WORK =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
  /[\u0000-\u001f\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]|u200|u2060|ufeff|&|\s\s/i;

/** Removes invisible, control and escaped-invisible characters and collapses whitespace. */
export function normaliseLine(line: string): string {
  if (!NEEDS_WORK.test(line)) return line.trim();
  return line
    .replace(INVISIBLE, '')
    .replace(CONTROL, ' ')
    .replace(ESCAPED_INVISIBLE, '')
    .replace(ENTITY_SPACE, ' ')
    .replace(SPACES, ' ')
    .trim();
}

/**
 * Removes URLs from a normalised line; returns the line unchanged when it holds none. A URL runs to the
 * first whitespace, angle bracket or quote, or to where a capitalised word is glued to it (a copy of a
 * link followed by its label gives `https://…/x.html#id=42Play Video`); trailing sentence punctuation is
 * left in place. One pass over the line: every character is looked at a bounded number of times.
 */
export function stripUrls(line: string): string {
  if (!line.includes('http') && !line.includes('www.')) return line;
  let out = '';
  let from = 0;
  URL_START.lastIndex = 0;
  for (let m = URL_START.exec(line); m !== null; m = URL_START.exec(line)) {
    if (m.index < from) continue;
    const end = urlEnd(line, m.index + m[0].length);
    out += `${line.slice(from, m.index)} `;
    from = end;
    URL_START.lastIndex = end;
  }
  out += line.slice(from);
  return out.replace(SPACES, ' ').trim();
}

/** Where the URL whose body starts at `start` ends (exclusive). */
function urlEnd(line: string, start: number): number {
  let i = start;
  while (i < line.length && !URL_STOP.has(line[i]!)) {
    if (i > start && isGluedWord(line, i)) break;
    i += 1;
  }
  while (i > start && URL_TRAILING.has(line[i - 1]!)) i -= 1;
  return i;
}

const isUpper = (c: number): boolean => c >= 65 && c <= 90;
const isLower = (c: number): boolean => c >= 97 && c <= 122;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Whether a label is glued to the URL at `i`: a capital after a lower-case letter or digit, then
 * lower-case letters up to a space, punctuation or the end of the line ("…933Play Video").
 */
function isGluedWord(line: string, i: number): boolean {
  const before = line.charCodeAt(i - 1);
  if (!isUpper(line.charCodeAt(i)) || !(isLower(before) || isDigit(before))) return false;
  let j = i + 1;
  while (j < line.length && isLower(line.charCodeAt(j))) j += 1;
  return j > i + 1 && (j === line.length || ' .,;:!?'.includes(line[j]!));
}
