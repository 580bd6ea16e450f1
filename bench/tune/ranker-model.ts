import type { Features } from '../../src/answer/rank.js';
import type { AnswerType } from '../../src/text/question.js';

/**
 * The model bench/tune/lambdamart.ts trains: a boosted-trees ranker over the linear ranker's features: `score = base · linear + Σ tree(x)`, where
 * x holds the features, each feature minus its best value among the question's candidates (ranking is
 * per question, so "as good as the best candidate" says more than a raw value), the linear score and the
 * question's answer type. Trees are complete binary trees of fixed depth stored breadth-first:
 * `f[i]`/`t[i]` are node i's feature and threshold (go left when x[f] <= t), `v` the leaf values with
 * shrinkage already applied. Not wired into src/answer/rank.ts: no model trained on the training splits
 * has beaten the linear ranker on the dev splits (see lambdamart.ts). To try one in the engine, re-score
 * `rankSentences`' output with `base · score + treeScore(model, modelInput(...))`, computing `max` over
 * the question's candidates as `toQuestion` in lambdamart.ts does.
 */
export interface RankerModel {
  about: string;
  features: string[];
  base: number;
  depth: number;
  trees: { f: number[]; t: number[]; v: number[] }[];
}

/** The features compared with the question's best candidate (feature − max over candidates). */
export const RELATIVE_KEYS = [
  'overlap',
  'bm25',
  'coverage',
  'proximity',
  'bigram',
  'cue',
  'passage',
  'window',
  'title',
  'exact',
  'names',
  'phrase',
  'focus',
  'related',
] as const satisfies readonly (keyof Features)[];

const ANSWER_TYPES: readonly AnswerType[] = [
  'other',
  'person',
  'date',
  'number',
  'place',
  'organization',
  'reason',
  'manner',
  'definition',
  'duration',
];

/** The names of the model's inputs, in order, for a feature key list. */
export function inputNames(keys: readonly (keyof Features)[]): string[] {
  return [
    ...keys,
    ...RELATIVE_KEYS.map((k) => `${k}-max`),
    'linear',
    'linear-max',
    'answerType',
    'questionTerms',
  ];
}

/**
 * The model's input vector for one candidate: `max` holds, per feature, the best value among the
 * question's candidates, `bestLinear` the best linear score.
 */
export function modelInput(
  keys: readonly (keyof Features)[],
  f: Features,
  max: Features,
  linear: number,
  bestLinear: number,
  answerType: AnswerType,
  questionTerms: number,
): Float64Array {
  const x = new Float64Array(keys.length + RELATIVE_KEYS.length + 4);
  let i = 0;
  for (const k of keys) x[i++] = f[k];
  for (const k of RELATIVE_KEYS) x[i++] = f[k] - max[k];
  x[i++] = linear;
  x[i++] = linear - bestLinear;
  x[i++] = Math.max(0, ANSWER_TYPES.indexOf(answerType));
  x[i++] = questionTerms;
  return x;
}

/** The trees' sum for one input (without the base · linear part). */
export function treeScore(model: RankerModel, x: Float64Array): number {
  let s = 0;
  const inner = (1 << model.depth) - 1;
  for (const tree of model.trees) {
    let node = 0;
    while (node < inner) node = 2 * node + ((x[tree.f[node] ?? 0] ?? 0) <= (tree.t[node] ?? 0) ? 1 : 2);
    s += tree.v[node - inner] ?? 0;
  }
  return s;
}
