/**
 * Classification of lines by shape and by their neighbours, after jusText (Pomikálek, 2011): a line is
 * first judged alone (good prose, a short sentence, a short fragment, or a long line that is not prose),
 * then short lines take the verdict of the nearest judged lines around them. A heading or a one-line
 * quote between two paragraphs is kept; the same line in a run of menu items is not.
 */
import type { LineShape } from './shape.js';

/** How a line looks by itself. */
export type LineClass = 'good' | 'near' | 'short' | 'bad';

/** Prose needs this many characters to stand on its own (jusText's `length_low`). */
const LENGTH_LOW = 70;
/** A line this long reads as prose even without final punctuation (jusText's `length_high`). */
const LENGTH_HIGH = 200;

/** Judges a line by itself; `fixed` lines (claimed by a vocabulary rule) are bad whatever their shape. */
export function classifyShape(shape: LineShape): LineClass {
  const sentence = shape.endsSentence && shape.hasLower;
  if (sentence && shape.chars >= LENGTH_LOW && shape.stopDensity >= 0.15) return 'good';
  if (shape.chars >= LENGTH_HIGH && shape.hasLower && shape.stopDensity >= 0.25) return 'good';
  if (sentence && shape.words >= 3) return 'near';
  if (shape.chars >= LENGTH_LOW && shape.stopDensity >= 0.3 && shape.hasLower && !shape.bullet) return 'near';
  if (shape.chars >= LENGTH_LOW && !shape.endsSentence && shape.stopDensity < 0.1) return 'bad';
  return 'short';
}

/**
 * Revises the classes of short and near-good lines from their context and returns, for each line,
 * whether it is kept. `classes[i]` is the class of the i-th line, in page order.
 */
export function keepByContext(input: readonly LineClass[]): boolean[] {
  // A brief item (two or three short sentences and a credit line) has no line long enough to anchor
  // it: then its sentence-shaped lines are the article.
  const classes = input.includes('good') ? input : input.map((c) => (c === 'near' ? 'good' : c));
  const before = nearestStrong(classes, false);
  const after = nearestStrong(classes, true).reverse();
  const chainBefore = chainedToGood(classes, false);
  const chainAfter = chainedToGood(classes, true).reverse();
  return classes.map((c, i) => {
    if (c === 'good') return true;
    if (c === 'bad') return false;
    if (before[i] === 'good' && after[i] === 'good') return true;
    if (before[i] === 'bad' && after[i] === 'bad') return false;
    // Between the article and boilerplate, only sentences that hang on to the article stay: a last short
    // paragraph does, a menu item with a question mark three lines above the first paragraph does not.
    return c === 'near' && (chainBefore[i]! || chainAfter[i]!);
  });
}

/**
 * For each line, the class of the nearest good or bad line before it (after it when `backwards`, in
 * reversed order), skipping short and near lines. The edges of the page count as bad: a page's header
 * and footer are boilerplate.
 */
function nearestStrong(classes: readonly LineClass[], backwards: boolean): LineClass[] {
  const out: LineClass[] = [];
  let strong: LineClass = 'bad';
  const n = classes.length;
  for (let k = 0; k < n; k++) {
    const c = classes[backwards ? n - 1 - k : k]!;
    out.push(strong);
    if (c === 'good' || c === 'bad') strong = c;
  }
  return out;
}

/** For each line, whether an unbroken run of near lines joins it to a good line before it (or after it). */
function chainedToGood(classes: readonly LineClass[], backwards: boolean): boolean[] {
  const out: boolean[] = [];
  let chain = false;
  const n = classes.length;
  for (let k = 0; k < n; k++) {
    const c = classes[backwards ? n - 1 - k : k]!;
    out.push(chain);
    chain = c === 'good' || (c === 'near' && chain);
  }
  return out;
}
