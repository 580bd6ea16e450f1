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
  if (sentence && shape.words >= 3 && shape.stopDensity >= 0.1) return 'near';
  if (shape.chars >= LENGTH_LOW && shape.stopDensity >= 0.3 && shape.hasLower && !shape.bullet) return 'near';
  if (shape.chars >= LENGTH_LOW && !shape.endsSentence && shape.stopDensity < 0.1) return 'bad';
  return 'short';
}

/**
 * Revises the classes of short and near-good lines from their context and returns, for each line,
 * whether it is kept. `classes[i]` is the class of the i-th non-empty line, in order.
 */
export function keepByContext(classes: readonly LineClass[], edge: LineClass = 'bad'): boolean[] {
  const n = classes.length;
  // Nearest good/bad line before and after each position, skipping short and near lines; the edges of
  // the page count as bad, as the header and footer of a page are boilerplate.
  const prevStrong: LineClass[] = new Array(n);
  const nextStrong: LineClass[] = new Array(n);
  const prevAny: LineClass[] = new Array(n);
  const nextAny: LineClass[] = new Array(n);
  let strong: LineClass = edge;
  let any: LineClass = edge;
  for (let i = 0; i < n; i++) {
    prevStrong[i] = strong;
    prevAny[i] = any;
    const c = classes[i]!;
    if (c === 'good' || c === 'bad') strong = c;
    if (c !== 'short') any = c;
  }
  strong = edge;
  any = edge;
  for (let i = n - 1; i >= 0; i--) {
    nextStrong[i] = strong;
    nextAny[i] = any;
    const c = classes[i]!;
    if (c === 'good' || c === 'bad') strong = c;
    if (c !== 'short') any = c;
  }
  return classes.map((c, i) => {
    if (c === 'good') return true;
    if (c === 'bad') return false;
    const before = prevStrong[i]!;
    const after = nextStrong[i]!;
    if (c === 'near') return before === 'good' || after === 'good';
    if (before === 'good' && after === 'good') return true;
    if (before === 'bad' && after === 'bad') return false;
    // Between an article and boilerplate: keep it only when a short sentence stands between it and the
    // boilerplate side, i.e. it is inside the article's last (or first) stretch of short lines.
    return (before === 'bad' && prevAny[i] === 'near') || (after === 'bad' && nextAny[i] === 'near');
  });
}
