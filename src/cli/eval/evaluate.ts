import { answerQuestion } from '../../answer/answer.js';
import { parseQuestion } from '../../answer/question.js';
import { DEFAULT_WEIGHTS, rankSentences, tieBreak, type Weights } from '../../answer/rank.js';
import { SearchEngine } from '../../search/engine.js';
import type { Candidate } from '../../search/store.js';
import type { OpenItem, SelectionItem } from './datasets.js';
import { averagePrecision, mean, quantile, reciprocalRank } from './metrics.js';

export interface SelectionFigures {
  questions: number;
  map: number;
  mrr: number;
}

/**
 * Answer-sentence selection: every item's candidates are one article of a shared index (so IDF is
 * counted over the whole file); each question's candidates are ranked by the same scorer that answers
 * questions, and scored with MAP and MRR over the items `counted` keeps.
 */
export function evaluateSelection(
  items: SelectionItem[],
  counted: (labels: boolean[]) => boolean,
  weights: Weights = DEFAULT_WEIGHTS,
  engine: SearchEngine = SearchEngine.fromArticles(items.map((i) => i.article)),
): SelectionFigures {
  const aps: number[] = [];
  const rrs: number[] = [];
  for (const item of items) {
    if (!counted(item.labels)) continue;
    const ranking = rankItem(engine, item, weights);
    const relevant = ranking.map((index) => item.labels[index] === true);
    aps.push(averagePrecision(relevant));
    rrs.push(reciprocalRank(relevant));
  }
  return { questions: aps.length, map: mean(aps), mrr: mean(rrs) };
}

/** The candidate sentence indexes of an item, best first; unmatched ones last, in hash order. */
export function rankItem(engine: SearchEngine, item: SelectionItem, weights: Weights): number[] {
  const parsed = parseQuestion(item.question, engine.stats());
  const ids = new Set([item.article.id]);
  const scores = new Map(
    engine
      .searchPassagesSync(parsed.terms, { limit: 10_000, articleIds: ids })
      .map((c) => [c.passageId, c.score]),
  );
  const candidates: Candidate[] = engine
    .allPassages(item.article.id)
    .map((c) => ({ ...c, score: scores.get(c.passageId) ?? 0 }));
  const ranked = rankSentences(parsed, candidates, engine, weights).map((s) => s.sentence.index);
  const seen = new Set(ranked);
  const rest = item.article.sentences
    .filter((s) => !seen.has(s.index))
    .sort((a, b) => tieBreak(a.text, b.text))
    .map((s) => s.index);
  return [...ranked, ...rest];
}

export interface OpenFigures {
  questions: number;
  hit1: number;
  hit3: number;
  medianMs: number;
  p99Ms: number;
}

/**
 * Open-corpus answering: every question against the whole index, top-3 results with no confidence
 * threshold; a hit when a returned sentence contains a gold answer text (case-insensitive).
 */
export async function evaluateOpen(
  engine: SearchEngine,
  items: OpenItem[],
  weights: Weights = DEFAULT_WEIGHTS,
): Promise<OpenFigures> {
  let hit1 = 0;
  let hit3 = 0;
  const times: number[] = [];
  for (const item of items) {
    const started = performance.now();
    const answer = await answerQuestion(engine, item.question, { topK: 3, threshold: 0, weights });
    times.push(performance.now() - started);
    const gold = item.answers.map((a) => a.toLowerCase());
    const hits = answer.results.map((r) => gold.some((g) => r.text.toLowerCase().includes(g)));
    if (hits[0]) hit1++;
    if (hits.some(Boolean)) hit3++;
  }
  const n = items.length || 1;
  return {
    questions: items.length,
    hit1: hit1 / n,
    hit3: hit3 / n,
    medianMs: quantile(times, 0.5),
    p99Ms: quantile(times, 0.99),
  };
}
