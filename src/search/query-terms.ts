import type { QueryTerm } from './store.js';

/** The passage query keeps this many of the question's heaviest terms ... */
const QUERY_TERMS = 8;
/** ... and leaves out terms found in more than this share of sentences: the ranker still counts them,
 * but in an OR query they only make the index score a large share of all passages. */
const QUERY_MAX_DF_SHARE = 0.05;

/**
 * The terms worth a passage query, for every store: the heaviest few, without those so common that they
 * would make the index score a large share of every passage (unless nothing rarer is left).
 * `df` gives a term's sentence document frequency; `sentences` is the corpus's sentence count.
 */
export function passageQueryTerms(
  terms: readonly QueryTerm[],
  df: (term: string) => number,
  sentences: number,
): QueryTerm[] {
  const heaviest = [...terms].sort((a, b) => b.weight - a.weight).slice(0, QUERY_TERMS);
  const limit = Math.max(50, sentences * QUERY_MAX_DF_SHARE);
  const rare = heaviest.filter((t) => df(t.term) <= limit);
  return rare.length >= Math.min(2, heaviest.length) ? rare : heaviest;
}
