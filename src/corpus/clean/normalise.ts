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
/**
 * A URL, up to the first whitespace, or up to where a capitalised word is glued to it (a copy of a link
 * followed by its label gives `https://…/x.html#id=42Play Video`), trailing sentence punctuation excluded.
 */
const URL =
  /\b(?:https?:\/\/|www\.[a-z0-9-]+\.)[^\s<>"'“”‘’]*?(?=(?<=[a-z0-9])[A-Z][a-z]+(?:[\s.,;:!?]|$)|[.,;:!?)\]]*(?:\s|$))/g;

/** Removes invisible, control and escaped-invisible characters and collapses whitespace. */
export function normaliseLine(line: string): string {
  return line
    .replace(INVISIBLE, '')
    .replace(CONTROL, ' ')
    .replace(ESCAPED_INVISIBLE, '')
    .replace(ENTITY_SPACE, ' ')
    .replace(SPACES, ' ')
    .trim();
}

/** Removes URLs from a normalised line; returns the line unchanged when it holds none. */
export function stripUrls(line: string): string {
  if (!line.includes('http') && !line.includes('www.')) return line;
  return line.replace(URL, ' ').replace(SPACES, ' ').trim();
}
