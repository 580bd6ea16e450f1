import { answerQuestion, searchTermsOf } from '../../answer/answer.js';
import { parseQuestion } from '../../answer/question.js';
import {
  DEFAULT_WEIGHTS,
  rankSentences,
  type ScoredSentence,
  tieBreak,
  type Weights,
} from '../../answer/rank.js';
import type { Article } from '../../corpus/article.js';
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

/**
 * An item's candidate sentences ranked by the scorer that answers questions: every passage of the item's
 * article is a candidate, with the index's score where the passage matched and 0 elsewhere.
 */
export function rankItemSentences(
  engine: SearchEngine,
  item: SelectionItem,
  weights: Weights = DEFAULT_WEIGHTS,
  everyFeature = false,
): ScoredSentence[] {
  const parsed = parseQuestion(item.question, engine.stats());
  const scores = new Map(
    engine
      .searchPassagesSync(searchTermsOf(parsed, engine.stats()), {
        limit: 10_000,
        articleIds: new Set([item.article.id]),
      })
      .map((c) => [c.passageId, c.score]),
  );
  const candidates: Candidate[] = engine
    .allPassages(item.article.id)
    .map((c) => ({ ...c, score: scores.get(c.passageId) ?? 0 }));
  return rankSentences(parsed, candidates, engine, weights, everyFeature);
}

/** The candidate sentence indexes of an item, best first; unmatched ones last, in hash order. */
export function rankItem(engine: SearchEngine, item: SelectionItem, weights: Weights): number[] {
  const ranked = rankItemSentences(engine, item, weights).map((s) => s.sentence.index);
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

export interface AbstainFigures {
  /** Questions on indexed articles (answerable) and on the held-back ones (to abstain on). */
  answerable: number;
  unanswerable: number;
  /** Answerable questions whose first result is right when the engine never abstains. */
  rightAtZero: number;
  /** The threshold that maximises F1 of "answered and right", and the figures there. */
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  /** Share of the unanswerable questions that were (wrongly) answered. */
  falseAnswerRate: number;
  /** The same figures at the threshold the engine ships with. */
  currentThreshold: number;
  currentPrecision: number;
  currentRecall: number;
  currentF1: number;
  currentFalseAnswerRate: number;
}

/**
 * Calibrates the confidence threshold for abstaining. The SQuAD articles at even positions (by title)
 * are indexed and the others held back; every question is asked with no threshold. A question on an
 * indexed article should be answered when its first result holds the gold text; one on a held-back
 * article should not be answered at all. "Answered" is scored as a retrieval of the right answers:
 * precision = answered-and-right / answered, recall = answered-and-right / right-at-threshold-0, and
 * the threshold (0.00 to 1.00 in steps of 0.01) with the best F1 wins; ties go to the higher threshold.
 */
export async function evaluateAbstain(
  articles: readonly Article[],
  items: OpenItem[],
  currentThreshold: number,
): Promise<AbstainFigures> {
  const titles = [...new Set(items.map((i) => i.title))];
  const indexed = new Set(titles.filter((_, i) => i % 2 === 0));
  const engine = SearchEngine.fromArticles(articles.filter((a) => indexed.has(a.meta.title)));
  const asked: { confidence: number; answerable: boolean; right: boolean }[] = [];
  for (const item of items) {
    const answer = await answerQuestion(engine, item.question, { topK: 1, threshold: 0 });
    const gold = item.answers.map((a) => a.toLowerCase());
    const first = answer.results[0]?.text.toLowerCase() ?? '';
    asked.push({
      confidence: answer.results.length ? answer.confidence : 0,
      answerable: indexed.has(item.title),
      right: indexed.has(item.title) && gold.some((g) => first.includes(g)),
    });
  }
  const rightAtZero = asked.filter((a) => a.right).length;
  const unanswerable = asked.filter((a) => !a.answerable).length;
  const at = (t: number) => {
    const answered = asked.filter((a) => a.confidence >= t && a.confidence > 0);
    const good = answered.filter((a) => a.right).length;
    const precision = answered.length ? good / answered.length : 0;
    const recall = rightAtZero ? good / rightAtZero : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    const falseAnswers = answered.filter((a) => !a.answerable).length;
    return { precision, recall, f1, falseAnswerRate: unanswerable ? falseAnswers / unanswerable : 0 };
  };
  let threshold = 0;
  let best = at(0);
  for (let i = 1; i <= 100; i++) {
    const figures = at(i / 100);
    if (figures.f1 >= best.f1) {
      best = figures;
      threshold = i / 100;
    }
  }
  const current = at(currentThreshold);
  return {
    answerable: asked.length - unanswerable,
    unanswerable,
    rightAtZero,
    threshold,
    ...best,
    currentThreshold,
    currentPrecision: current.precision,
    currentRecall: current.recall,
    currentF1: current.f1,
    currentFalseAnswerRate: current.falseAnswerRate,
  };
}
