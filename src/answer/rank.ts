import type { Sentence } from '../corpus/article.js';
import type { Candidate, CorpusStats, SearchStore } from '../search/store.js';
import type { AnswerCues } from '../text/question.js';
import { findAnswerCues } from '../text/question.js';
import type { ParsedQuestion } from './question.js';

/** The signals a sentence is scored on; each lies in [0, 1]. */
export interface Features {
  /** IDF-weighted share of the question's terms the sentence holds. */
  overlap: number;
  /** BM25 over the sentence with low length normalisation, scaled to [0, 1]. */
  bm25: number;
  /** Share of distinct question terms matched, unweighted. */
  coverage: number;
  /** How close together the matched terms stand. */
  proximity: number;
  /** Share of the question's adjacent term pairs that stand together in the sentence. */
  bigram: number;
  /** The sentence holds what the question asks for (a date for "when", a number for "how many"…). */
  cue: number;
  /** The retrieving passage's score, relative to the best passage. */
  passage: number;
  /** Early sentences carry a news story's facts. */
  lead: number;
  /** Penalty for fragments: headlines, captions, one-word lines. */
  short: number;
}

export type Weights = Record<keyof Features, number>;

/** Weights of the features; fitted on the WikiQA train split and checked on the dev splits (see README). */
export const DEFAULT_WEIGHTS: Weights = {
  overlap: 1.0,
  bm25: 0.45,
  coverage: 0.25,
  proximity: 0.15,
  bigram: 0.2,
  cue: 0.15,
  passage: 0.15,
  lead: 0.05,
  short: -0.3,
};

const BM25_K1 = 1.2;
/** Plain BM25's b = 0.75 over-rewards short sentences; a sentence is short by nature. */
const BM25_B = 0.25;

/** A sentence with its score and the features behind it. */
export interface ScoredSentence {
  sentence: Sentence;
  score: number;
  features: Features;
  /** The question terms (analyzed) the sentence holds. */
  matched: string[];
  before: string | undefined;
  after: string | undefined;
}

/**
 * Scores one sentence against a question. `terms` are the sentence's analyzed terms in order.
 */
export function scoreFeatures(
  question: ParsedQuestion,
  terms: readonly string[],
  text: string,
  stats: CorpusStats,
  context: { passage: number; index: number },
): { features: Features; matched: string[] } {
  const positions = new Map<string, number[]>();
  terms.forEach((t, i) => {
    if (question.weights.has(t)) {
      const list = positions.get(t);
      if (list) list.push(i);
      else positions.set(t, [i]);
    }
  });
  const matched = [...positions.keys()];
  let overlapSum = 0;
  let bm25 = 0;
  const lengthNorm = 1 - BM25_B + BM25_B * (terms.length / Math.max(1, stats.avgSentenceTerms));
  for (const term of matched) {
    const w = question.weights.get(term) ?? 0;
    const tf = positions.get(term)?.length ?? 0;
    overlapSum += w;
    bm25 += (w * (tf * (BM25_K1 + 1))) / (tf + BM25_K1 * lengthNorm);
  }
  const total = question.totalWeight || 1;
  const features: Features = {
    overlap: overlapSum / total,
    bm25: bm25 / (total * (BM25_K1 + 1)),
    coverage: question.terms.length ? matched.length / question.terms.length : 0,
    proximity: proximity(positions),
    bigram: bigramShare(question.bigrams, positions),
    cue: matched.length ? cueScore(question, findAnswerCues(text), text) : 0,
    passage: context.passage,
    lead: 1 / (1 + Math.log2(1 + context.index)),
    short: terms.length < 4 ? 1 - terms.length / 4 : 0,
  };
  return { features, matched };
}

/** The weighted sum of features. */
export function combine(features: Features, weights: Weights): number {
  let score = 0;
  for (const key of Object.keys(weights) as (keyof Features)[]) score += weights[key] * features[key];
  return score;
}

/** Smallest window holding one position of each matched term, as matched/width; 0 under two terms. */
function proximity(positions: Map<string, number[]>): number {
  if (positions.size < 2) return 0;
  const events: [number, number][] = [];
  let k = 0;
  for (const list of positions.values()) {
    for (const p of list) events.push([p, k]);
    k++;
  }
  events.sort((a, b) => a[0] - b[0]);
  const need = positions.size;
  const counts = new Int32Array(need);
  let have = 0;
  let best = Number.POSITIVE_INFINITY;
  let left = 0;
  for (const [pos, term] of events) {
    if (counts[term]!++ === 0) have++;
    while (have === need) {
      const [lpos, lterm] = events[left] ?? [pos, term];
      best = Math.min(best, pos - lpos + 1);
      if (--counts[lterm]! === 0) have--;
      left++;
    }
  }
  return Number.isFinite(best) ? need / best : 0;
}

function bigramShare(bigrams: [string, string][], positions: Map<string, number[]>): number {
  if (bigrams.length === 0) return 0;
  let hits = 0;
  for (const [a, b] of bigrams) {
    const pa = positions.get(a);
    const pb = positions.get(b);
    if (pa && pb && pa.some((i) => pb.some((j) => Math.abs(j - i) <= 2 && j !== i))) hits++;
  }
  return hits / bigrams.length;
}

/** Whether the sentence holds the kind of thing the question asks for, not just what it already says. */
function cueScore(question: ParsedQuestion, cues: AnswerCues, text: string): number {
  const newName = cues.properNames.some((n) => !question.surface.has(n.toLowerCase()));
  switch (question.answerType) {
    case 'date':
      return cues.hasDate ? 1 : cues.hasYear ? 0.8 : 0;
    case 'number':
      return cues.hasNumber ? 1 : 0;
    case 'duration':
      return cues.hasDuration ? 1 : cues.hasNumber ? 0.4 : 0;
    case 'person':
    case 'organization':
      return newName ? 1 : 0;
    case 'place':
      return cues.hasPlaceCue && newName ? 1 : newName ? 0.5 : 0;
    case 'reason':
      return /\b(because|after|due to|as a result|in order to|so that|since|over)\b/i.test(text) ? 1 : 0;
    default:
      return 0;
  }
}

/**
 * Ranks the sentences of candidate passages for a question: each sentence once (the best passage that
 * holds it wins), scored by `combine(scoreFeatures(...))`, best first.
 */
export function rankSentences(
  question: ParsedQuestion,
  candidates: Candidate[],
  store: Pick<SearchStore, 'sentenceTerms' | 'stats'>,
  weights: Weights = DEFAULT_WEIGHTS,
): ScoredSentence[] {
  const stats = store.stats();
  const top = candidates.reduce((m, c) => Math.max(m, c.score), 0) || 1;
  const best = new Map<string, ScoredSentence>();
  for (const candidate of candidates) {
    const termsOfArticle = store.sentenceTerms(candidate.articleId);
    const passage = candidate.score / top;
    candidate.sentences.forEach((sentence, i) => {
      const key = `${sentence.articleId}\u0000${sentence.index}`;
      const seen = best.get(key);
      if (seen && seen.features.passage >= passage) return;
      const terms = termsOfArticle[sentence.index] ?? [];
      const { features, matched } = scoreFeatures(question, terms, sentence.text, stats, {
        passage,
        index: sentence.index,
      });
      best.set(key, {
        sentence,
        score: combine(features, weights),
        features,
        matched,
        before: i > 0 ? candidate.sentences[i - 1]?.text : candidate.before,
        after: i + 1 < candidate.sentences.length ? candidate.sentences[i + 1]?.text : candidate.after,
      });
    });
  }
  return [...best.values()].sort((a, b) => b.score - a.score || tieBreak(a.sentence.text, b.sentence.text));
}

/** Ties are broken by a hash of the text, never by input order (evaluation files list answers first). */
export function tieBreak(a: string, b: string): number {
  return hashText(a) - hashText(b);
}

function hashText(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
