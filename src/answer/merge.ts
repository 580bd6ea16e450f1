import type { ScoredSentence } from './rank.js';

/** Sentences (from any articles) that state one fact: the best of them speaks for all. */
export interface MergedGroup {
  best: ScoredSentence;
  members: ScoredSentence[];
}

/** What the merge reads of a sentence. */
export interface MergeView {
  /** The sentence's analyzed terms. */
  terms: readonly string[];
  /** The answer values it holds (normalised), without those the question itself states (may be a getter: read only when needed). */
  readonly values: readonly string[];
  /** Who published it (the article's source; may be a getter: read only when needed). */
  readonly publisher: string;
}

/** Share of all the terms two sentences hold (Jaccard) above which they are one fact whatever the question. */
const SAME_TEXT = 0.5;
/**
 * Share of the shorter sentence's terms (and three terms at least) above which two publishers' sentences
 * holding the same answer value are one fact told in two wordings.
 */
const SAME_ANSWER = 0.4;

/**
 * Merges near-duplicate sentences, best first. Two sentences are one fact when they share at least half
 * of all the analyzed terms either holds (a repeated paragraph, a wire story run twice), or when two
 * publishers word it differently: the same new answer value (a figure, a name, an amount of time the
 * question does not state) and 40% of the shorter sentence's terms. One publisher's sentences that only
 * overlap tell facts of their own ("The use of Roman numerals will be reinstated for Super Bowl LI." is
 * not the sentence about suspending them), so the looser rule needs two publishers. Only the first
 * `limit` groups are built.
 */
export function mergeNearDuplicates(
  ranked: ScoredSentence[],
  view: (s: ScoredSentence) => MergeView,
  limit: number,
): MergedGroup[] {
  const groups: { group: MergedGroup; terms: Set<string>; values: Set<string>; seen: MergeView }[] = [];
  for (const candidate of ranked) {
    const seen = view(candidate);
    const terms = new Set(seen.terms);
    const home = groups.find(
      (g) =>
        g.group.best.sentence.text === candidate.sentence.text ||
        sameFact(
          g.terms,
          terms,
          () => g.seen.publisher !== seen.publisher && seen.values.some((v) => g.values.has(v)),
        ),
    );
    if (home) {
      home.group.members.push(candidate);
      continue;
    }
    if (groups.length >= limit) continue;
    groups.push({
      group: { best: candidate, members: [candidate] },
      terms,
      values: new Set(seen.values),
      seen,
    });
  }
  return groups.map((g) => g.group);
}

/** `sameAnswerElsewhere` is only asked when the overlap leaves it to decide (finding values costs). */
function sameFact(a: Set<string>, b: Set<string>, sameAnswerElsewhere: () => boolean): boolean {
  if (a.size === 0 || b.size === 0) return false;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  if (shared / (a.size + b.size - shared) >= SAME_TEXT) return true;
  return shared >= 3 && shared / Math.min(a.size, b.size) >= SAME_ANSWER && sameAnswerElsewhere();
}
