import type { ScoredSentence } from './rank.js';

/** Sentences (from any articles) that state one fact: the best of them speaks for all. */
export interface MergedGroup {
  best: ScoredSentence;
  members: ScoredSentence[];
}

/** Text similarity above which two sentences are one fact whatever the question. */
const SAME_TEXT = 0.7;
/** Lower similarity that still makes one fact when both sentences give the same answer value. */
const SAME_ANSWER = 0.4;

/**
 * Merges near-duplicate sentences, best first. Two sentences are one fact when their analyzed terms
 * overlap strongly (overlap coefficient ≥ 0.7: a repeated paragraph, a wire story run twice), or when
 * they overlap moderately (≥ 0.4) and hold the same answer value for the question (the same duration,
 * number, date or name). Only the first `limit` groups are built.
 *
 * `termsOf` gives a sentence's analyzed terms; `answerValues` the answer values it holds (normalised).
 */
export function mergeNearDuplicates(
  ranked: ScoredSentence[],
  termsOf: (s: ScoredSentence) => readonly string[],
  answerValues: (s: ScoredSentence) => readonly string[],
  limit: number,
): MergedGroup[] {
  const groups: { group: MergedGroup; terms: Set<string>; values: Set<string> }[] = [];
  for (const candidate of ranked) {
    const terms = new Set(termsOf(candidate));
    // The answer values only matter for a moderate overlap; most sentences never need them found.
    let values: readonly string[] | undefined;
    const valuesOf = () => {
      values ??= answerValues(candidate);
      return values;
    };
    const home = groups.find(
      (g) =>
        g.group.best.sentence.text === candidate.sentence.text ||
        sameFact(g.terms, terms, () => valuesOf().some((v) => g.values.has(v))),
    );
    if (home) {
      home.group.members.push(candidate);
      continue;
    }
    if (groups.length >= limit) continue;
    groups.push({ group: { best: candidate, members: [candidate] }, terms, values: new Set(valuesOf()) });
  }
  return groups.map((g) => g.group);
}

function sameFact(a: Set<string>, b: Set<string>, sameAnswer: () => boolean): boolean {
  const smaller = Math.min(a.size, b.size);
  if (smaller === 0) return false;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  const similarity = shared / smaller;
  return similarity >= SAME_TEXT || (similarity >= SAME_ANSWER && shared >= 3 && sameAnswer());
}
