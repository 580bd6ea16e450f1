/**
 * Cleaning of text copied from a news web page: keeps the article's paragraphs, in order and each once,
 * and drops what the page put around them. The rules follow jusText and boilerpipe: a line is judged by
 * its shape (length, final punctuation, stop-word density), by small generic vocabularies of page
 * furniture, and by its neighbours (a short line between two paragraphs is part of the article; the same
 * line among menu items is not). No rule names a site or quotes a page.
 *
 * Every dropped line is reported with the rule that dropped it:
 *
 * | rule            | drops                                                                                 |
 * | --------------- | ------------------------------------------------------------------------------------- |
 * | `invisible`     | a line of nothing but invisible or escaped characters (`u200b`, zero-width spaces)    |
 * | `url`           | a line that is only a URL                                                             |
 * | `player`        | video/audio player text: "Play Video", "Now Playing", "Next", bare timestamps `01:55` |
 * | `advertisement` | "Advertisement", "Sponsored", "Story continues below advertisement"                  |
 * | `share`         | share and follow buttons, comment counters                                            |
 * | `navigation`    | menu items, "Skip to content", breadcrumbs, rows of links, tag lists                  |
 * | `newsletter`    | newsletter and sign-up boxes                                                          |
 * | `cookie`        | cookie and privacy notices, links to the privacy policy and terms                    |
 * | `podcast`       | podcast promotions                                                                    |
 * | `copyright`     | copyright footers ("©", "All rights reserved")                                        |
 * | `related`       | "Related" / "More from" / "Most popular" headings, the headline lists under them, and |
 * |                 | inline "Read more: …" links                                                           |
 * | `credit`        | a photo credit on its own line: "GETTY", "PA", "Jane Doe/Reuters", "Photograph: …"   |
 * | `caption`       | a photo caption: next to a credit line, with a credit glued to it, or printed twice  |
 * | `source`        | a "Source: …" attribution line (see `findSourceLine`)                                 |
 * | `not-prose`     | a long line that does not read as prose: a headline, a list of names or links        |
 * | `short-context` | a short line among boilerplate (a menu item, a byline, a label)                       |
 * | `duplicate`     | a repeated block of paragraphs, or a repeated paragraph: the first copy is kept      |
 *
 * Kept paragraphs are the source lines trimmed, with whitespace collapsed, invisible characters and
 * glued URLs removed, and nothing else changed: later code quotes them exactly.
 */
import type { DroppedLine } from './article.js';
import { classifyShape, keepByContext, type LineClass } from './clean/context.js';
import { normaliseLine, stripUrls } from './clean/normalise.js';
import { type LineShape, measureLine } from './clean/shape.js';
import { isCreditLine, matchVocabulary } from './clean/vocabulary.js';

export interface CleanResult {
  paragraphs: string[];
  dropped: DroppedLine[];
}

/** A non-empty line of the page and what the rules decided about it. */
interface Line {
  raw: string;
  text: string;
  shape: LineShape;
  /** The rule that dropped the line, once one has. */
  rule?: string | undefined;
  opensList?: boolean | undefined;
  credit?: boolean | undefined;
}

/** Words in a paragraph that make its repetition a copy of the block, not a coincidence ("Yes."). */
const DUPLICATE_MIN_WORDS = 6;

/**
 * Cleans text copied from a news page into the article's paragraphs. Lines are read one by one; each is
 * either kept as a paragraph (trimmed, whitespace normalised) or reported in `dropped` with the rule
 * that dropped it (see the table above). Blank lines separate nothing and are not reported. Never
 * throws; the empty string gives no paragraphs.
 *
 * @example
 * cleanText('Home\nWorld\nLONDON (Reuters) - Prices rose 2% in May, the statistics office said.\nGETTY')
 * // → { paragraphs: ['LONDON (Reuters) - Prices rose 2% in May, the statistics office said.'],
 * //     dropped: [{ line: 'Home', rule: 'navigation' }, { line: 'World', rule: 'short-context' },
 * //               { line: 'GETTY', rule: 'credit' }] }
 */
export function cleanText(raw: string): CleanResult {
  const entries = readLines(typeof raw === 'string' ? raw : '');
  const lines = entries.filter((line) => line.rule === undefined);
  applyVocabulary(lines);
  markCaptions(lines);
  markRelatedLists(lines);
  markSourceLines(lines);
  const kept = classifyLines(lines);
  markDuplicates(lines, kept);
  const paragraphs: string[] = [];
  const dropped: DroppedLine[] = [];
  for (const line of entries) {
    if (line.rule === undefined) paragraphs.push(line.text);
    else dropped.push({ line: line.raw, rule: line.rule });
  }
  return { paragraphs, dropped };
}

/**
 * The publisher named in a "Source: …" line at the end of a copied page, e.g. `Al Jazeera` for
 * "Source: Al Jazeera and news agencies", or `undefined` when the page ends without one. Only the first
 * name is returned ("X and news agencies" → "X"); the loader can use it as a hint for `ArticleMeta.source`.
 * Cleaning does not need it: `cleanText` drops the line by itself.
 */
export function findSourceLine(raw: string): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const lines = raw.split(/\r\n|\r|\n/);
  let seen = 0;
  // The line must be among the last lines of the page (after the article, before a footer).
  for (let i = lines.length - 1; i >= 0 && seen < 40; i--) {
    const text = normaliseLine(lines[i]!);
    if (text === '') continue;
    seen += 1;
    const match = /^\(?sources?\s*:\s*(.+?)\)?$/i.exec(text);
    if (!match) continue;
    const name = match[1]!.split(/\s+(?:and|&|with|via)\s+|\s*[,;/|]\s*/)[0]!.trim();
    if (name !== '' && name.split(' ').length <= 8 && !/[.!?]$/.test(name)) return name;
  }
  return undefined;
}

/**
 * Splits the page into its non-empty lines, normalised; a line that normalisation empties (only
 * invisible characters, only a URL) comes back already dropped.
 */
function readLines(raw: string): Line[] {
  const lines: Line[] = [];
  for (const source of raw.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/)) {
    const original = source.trim();
    if (original === '') continue;
    const normal = normaliseLine(source);
    const text = stripUrls(normal);
    const rule = normal === '' ? 'invisible' : text === '' ? 'url' : undefined;
    lines.push({ raw: original, text, shape: measureLine(text), rule });
  }
  return lines;
}

function applyVocabulary(lines: Line[]): void {
  for (const line of lines) {
    const match = matchVocabulary(line.text, line.shape);
    if (!match) continue;
    line.rule = match.rule;
    line.opensList = match.opensList;
    line.credit = match.credit;
  }
}

/**
 * A short line without final punctuation next to a credit line is the caption of the photo the credit
 * belongs to ("A police officer outside the embassy" / "GETTY").
 */
function markCaptions(lines: Line[]): void {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.rule !== undefined || !looksLikeCaption(line)) continue;
    const before = lines[i - 1];
    const after = lines[i + 1];
    if (before?.credit || after?.credit) line.rule = 'caption';
  }
}

function looksLikeCaption(line: Line): boolean {
  return line.shape.words <= 40 && !/[.!?…]["'”’)]*$/.test(line.text) && !isCreditLine(line.text, line.shape);
}

/**
 * Under a "Related" / "Most popular" heading, the following list items and headlines are dropped up to
 * the next line that reads as a paragraph.
 */
function markRelatedLists(lines: Line[]): void {
  let open = false;
  for (const line of lines) {
    if (line.opensList) {
      open = true;
      continue;
    }
    if (!open) continue;
    if (line.rule !== undefined) continue;
    const cls = classifyShape(line.shape);
    if (!line.shape.bullet && (cls === 'good' || cls === 'near')) {
      open = false;
      continue;
    }
    line.rule = 'related';
  }
}

/** A short "Source: …" line is an attribution of the article or of a chart, not article text. */
function markSourceLines(lines: Line[]): void {
  for (const line of lines) {
    if (line.rule === undefined && line.shape.words <= 12 && /^\(?sources?\s*:\s*\S/i.test(line.text)) {
      line.rule = 'source';
    }
  }
}

/** Judges the lines no vocabulary rule claimed by shape and context; returns which are kept. */
function classifyLines(lines: Line[]): boolean[] {
  const classes: LineClass[] = lines.map((line) =>
    line.rule === undefined ? classifyShape(line.shape) : 'bad',
  );
  // A page where no rule found any page furniture is an article already clean: its first and last
  // lines are article, not header and footer.
  const furnished = lines.some((line) => line.rule !== undefined);
  const keep = keepByContext(classes, furnished ? 'bad' : 'good');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (keep[i] || line.rule !== undefined) continue;
    line.rule = classes[i] === 'bad' ? 'not-prose' : 'short-context';
  }
  return keep;
}

/**
 * Drops a kept line that repeats an earlier kept line, when the repetition is a copied block: the line
 * is long enough not to repeat by chance, or it sits in a run of repeated lines that holds such a line.
 * Short lines that repeat on their own (a "});" in a code sample, a "Yes." in an interview) stay.
 */
function markDuplicates(lines: Line[], keep: readonly boolean[]): void {
  const seen = new Set<string>();
  const kept: Line[] = [];
  const repeated: boolean[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!keep[i] || line.rule !== undefined) continue;
    const key = line.text.toLowerCase();
    repeated.push(seen.has(key));
    seen.add(key);
    kept.push(line);
  }
  let start = 0;
  while (start < kept.length) {
    if (!repeated[start]) {
      start += 1;
      continue;
    }
    let end = start;
    let long = false;
    while (end < kept.length && repeated[end]) {
      if (kept[end]!.shape.words >= DUPLICATE_MIN_WORDS) long = true;
      end += 1;
    }
    if (long) for (let i = start; i < end; i++) kept[i]!.rule = 'duplicate';
    start = end;
  }
}
