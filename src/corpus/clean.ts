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
 * | `share`         | share and follow buttons                                                              |
 * | `byline`        | "By Jane Doe", "Reporting by …; Editing by …"                                       |
 * | `date`          | a publication stamp: "Published On 3 Feb 2024", "Updated 2 hours ago"               |
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
 * | `comments`      | a comments heading ("12 comments", "Leave a reply") and, once the article has begun,  |
 * |                 | everything after it                                                                   |
 * | `gallery`       | a photo gallery: its slide counters ("3/50 Title") and the captions between them     |
 * | `repeated`      | a short label that recurs three times or more ("Undo", "Save", a section name)        |
 * | `not-prose`     | a long line that does not read as prose: a headline, a list of names or links        |
 * | `short-context` | a short line among boilerplate (a menu item, a byline, a label)                       |
 * | `duplicate`     | a repeated block of paragraphs, or a repeated paragraph: the first copy is kept      |
 *
 * A page on which no vocabulary rule finds any furniture is taken as an article already clean (a
 * corpus file, a typed text): all its lines are kept, only repeated blocks and invisible characters go.
 * Context rules need furniture to tell a page's header and footer from the article's own lists.
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
  endsArticle?: boolean | undefined;
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
  // A page where no rule finds any page furniture is an article already clean (a file of the corpus, a
  // text someone typed): every line of it is kept, once.
  if (lines.some((line) => line.rule !== undefined)) cleanFurnishedPage(lines);
  markDuplicates(lines);
  const paragraphs: string[] = [];
  markRelatedLists(lines);

  const dropped: DroppedLine[] = [];
  for (const line of entries) {
    if (line.rule === undefined) paragraphs.push(line.text);
    else dropped.push({ line: line.raw, rule: line.rule });
  }
  return { paragraphs, dropped };
}

/** Applies the rules that need page furniture to be told from the article, in order. */
function cleanFurnishedPage(lines: Line[]): void {
  markCaptions(lines);
  markRelatedLists(lines);
  markSourceLines(lines);
  markRepeatedLabels(lines);
  markGalleries(lines);
  markComments(lines);
  classifyLines(lines);
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
    line.endsArticle = match.endsArticle;
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

/** Words of prose the article must have shown before a comments heading can end it. */
const ARTICLE_MIN_WORDS = 60;

/**
 * Once the article has begun, a comments heading ("12 comments", "Leave a reply") ends it: what follows
 * is readers' comments and the page footer, prose or not. A comment counter above the article, before
 * any paragraph, ends nothing.
 */
function markComments(lines: Line[]): void {
  let words = 0;
  let ended = false;
  for (const line of lines) {
    if (ended) {
      line.rule ??= 'comments';
      continue;
    }
    if (line.endsArticle && words >= ARTICLE_MIN_WORDS) ended = true;
    else if (line.rule === undefined && classifyShape(line.shape) === 'good') words += line.shape.words;
  }
}

/** How often a short label must recur on a page to be page furniture rather than text. */
const LABEL_REPEATS = 3;

/**
 * A short label that recurs on the page ("Undo", "Save", a section name under every teaser) is part of
 * the page's template. Lines without letters (a "});" of a code sample, a "-" of a table) do not count.
 */
function markRepeatedLabels(lines: Line[]): void {
  const counts = new Map<string, number>();
  const key = (line: Line): string | undefined =>
    line.shape.words <= 8 && !line.shape.endsSentence && /\p{L}\p{L}/u.test(line.text)
      ? line.text.toLowerCase()
      : undefined;
  for (const line of lines) {
    const k = key(line);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  for (const line of lines) {
    const k = key(line);
    if (k !== undefined && (counts.get(k) ?? 0) >= LABEL_REPEATS) line.rule ??= 'repeated';
  }
}

/** "3/50 Title" or "3 of 50": the counter of a slide in a photo gallery. */
const SLIDE_COUNTER = /^(?:[-–•]\s*)?(\d{1,3})\s*(?:\/|of)\s*(\d{1,3})\b/;
/** A gallery needs this many slide counters of the same total to be told from a "1/2" in the text. */
const GALLERY_MIN_SLIDES = 3;

/**
 * A photo gallery ("1/50 Title", caption, "2/50 Title", caption…) is a stream of captions, each long
 * enough to pass for a paragraph: everything from its first slide counter to the caption of its last
 * slide is dropped.
 */
function markGalleries(lines: Line[]): void {
  const slides = new Map<string, number[]>();
  lines.forEach((line, i) => {
    const m = SLIDE_COUNTER.exec(line.text);
    if (!m || Number(m[2]) < GALLERY_MIN_SLIDES || Number(m[1]) > Number(m[2])) return;
    const at = slides.get(m[2]!) ?? [];
    at.push(i);
    slides.set(m[2]!, at);
  });
  for (const at of slides.values()) {
    if (at.length < GALLERY_MIN_SLIDES) continue;
    let end = at[at.length - 1]! + 1;
    while (end < lines.length && classifyShape(lines[end]!.shape) !== 'good') end += 1;
    for (let i = at[0]!; i <= Math.min(end, lines.length - 1); i++) lines[i]!.rule ??= 'gallery';
  }
}

/** Rules for furniture that pages set between the paragraphs of an article. */
const TRANSPARENT_RULES = new Set(['advertisement', 'credit', 'caption']);

/** Judges the lines no rule claimed by their shape and context. */
function classifyLines(lines: Line[]): void {
  // Furniture set inside the article (an advertisement slot, a photo and its credit) does not part the
  // paragraphs around it: context is read through it.
  const judged = lines.filter((line) => line.rule === undefined || !TRANSPARENT_RULES.has(line.rule));
  const classes: LineClass[] = judged.map((line) =>
    line.rule === undefined ? classifyShape(line.shape) : 'bad',
  );
  const keep = keepByContext(classes);
  judged.forEach((line, i) => {
    if (keep[i] || line.rule !== undefined) return;
    line.rule = classes[i] === 'bad' ? 'not-prose' : 'short-context';
  });
}

/**
 * Drops a kept line that repeats an earlier kept line, when the repetition is a copied block: the line
 * is long enough not to repeat by chance, or it sits in a run of repeated lines that holds such a line.
 * Short lines that repeat on their own (a "});" in a code sample, a "Yes." in an interview) stay.
 */
function markDuplicates(lines: Line[]): void {
  const seen = new Set<string>();
  const kept: Line[] = [];
  const repeated: boolean[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.rule !== undefined) continue;
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
