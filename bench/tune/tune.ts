/**
 * Fits the sentence ranker's feature weights (`DEFAULT_WEIGHTS` in src/answer/rank.ts) by coordinate
 * ascent on the training splits only (WikiQA train, TrecQA train), then reports the dev splits with the
 * fitted weights, so a change is judged on data it was not fitted on.
 *
 *   npx tsx bench/tune/tune.ts [--eval ../shared/eval] [--rounds 6] [--squad] [--pairwise] [--scan k1,k2]
 *     [--set k1=v1,k2=v2] [--verbose]
 *
 * `--scan` fits nothing: it reports the figures with each listed weight moved alone, to read what one
 * feature does before a fit. `--set` starts the scan or the fit from the shipped weights with these
 * changed. `--verbose` reports every round's weights, not only the early-stopped ones.
 * Features are computed once per candidate sentence (they do not depend on the weights); each trial
 * re-sorts the cached features, so a full fit takes seconds. `--squad` also reports SQuAD part 1 hit@1
 * and hit@3 over the sentences the engine retrieves (exact duplicates counted once, no merge), which is
 * close to, not the same as, `npm run eval -- squad`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CANDIDATE_PASSAGES, searchTermsOf } from '../../src/answer/answer.js';
import { parseQuestion } from '../../src/answer/question.js';
import {
  DEFAULT_WEIGHTS,
  type Features,
  rankSentences,
  tieBreak,
  type Weights,
} from '../../src/answer/rank.js';
import { readSquad, readTrecQa, readWikiQa, type SelectionItem } from '../../src/cli/eval/datasets.js';
import { rankItemSentences } from '../../src/cli/eval/evaluate.js';
import { averagePrecision, mean } from '../../src/cli/eval/metrics.js';
import { SearchEngine } from '../../src/search/engine.js';
import { readWikiQaTrain } from './wikiqa-train.js';

interface Row {
  features: Features;
  text: string;
  label: boolean;
  /** The tie-break rank of the text, computed once (the ranker hashes it on every comparison). */
  hash: number;
}
type Question = Row[];

const { values } = parseArgs({
  options: {
    eval: { type: 'string', default: '../shared/eval' },
    rounds: { type: 'string', default: '6' },
    squad: { type: 'boolean', default: false },
    pairwise: { type: 'boolean', default: false },
    scan: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    set: { type: 'string' },
  },
});
const root = path.resolve(values.eval ?? '../shared/eval');
const file = (...parts: string[]) => {
  const f = path.join(root, ...parts);
  if (!existsSync(f)) {
    process.stderr.write(
      `tune: ${f} is missing: the evaluation data lives in ../shared/eval (see its README)\n`,
    );
    process.exit(1);
  }
  return f;
};

/** Every candidate sentence of every counted item, with its features and label. */
function selectionRows(items: SelectionItem[], counted: (l: boolean[]) => boolean): Question[] {
  const engine = SearchEngine.fromArticles(items.map((i) => i.article));
  const out: Question[] = [];
  for (const item of items) {
    if (!counted(item.labels)) continue;
    out.push(
      rankItemSentences(engine, item, DEFAULT_WEIGHTS, true).map((s) => ({
        features: s.features,
        text: s.sentence.text,
        label: item.labels[s.sentence.index] === true,
        hash: tieBreak(s.sentence.text, ''),
      })),
    );
  }
  return out;
}

/** SQuAD questions, each tagged with the parity of its article's position (the fit/check split). */
function squadRows(articlesFile: string): Promise<{ rows: Question; even: boolean }[]> {
  return readSquad(articlesFile).then(({ articles, items }) => {
    const engine = SearchEngine.fromArticles(articles);
    const titles = [...new Set(items.map((i) => i.title))];
    return items.map((item) => {
      const parsed = parseQuestion(item.question, engine.stats());
      const candidates = engine.searchPassagesSync(searchTermsOf(parsed, engine.stats()), {
        limit: CANDIDATE_PASSAGES,
      });
      const gold = item.answers.map((a) => a.toLowerCase());
      const rows = rankSentences(parsed, candidates, engine, DEFAULT_WEIGHTS, true).map((s) => ({
        features: s.features,
        text: s.sentence.text,
        label: gold.some((g) => s.sentence.text.toLowerCase().includes(g)),
        hash: tieBreak(s.sentence.text, ''),
      }));
      return { rows, even: titles.indexOf(item.title) % 2 === 0 };
    });
  });
}

const keys = Object.keys(DEFAULT_WEIGHTS) as (keyof Features)[];

function order(q: Question, w: Weights): Row[] {
  const scored = q.map((r) => {
    let s = 0;
    for (const k of keys) s += w[k] * r.features[k];
    return { r, s };
  });
  scored.sort((a, b) => b.s - a.s || a.r.hash - b.r.hash);
  return scored.map((x) => x.r);
}

const meanAp = (qs: Question[], w: Weights) =>
  mean(qs.map((q) => averagePrecision(order(q, w).map((r) => r.label))));

function hits(qs: Question[], w: Weights): { hit1: number; hit3: number } {
  let h1 = 0;
  let h3 = 0;
  for (const q of qs) {
    const seen = new Set<string>();
    const top: Row[] = [];
    for (const r of order(q, w)) {
      if (seen.has(r.text)) continue;
      seen.add(r.text);
      top.push(r);
      if (top.length === 3) break;
    }
    if (top[0]?.label) h1++;
    if (top.some((r) => r.label)) h3++;
  }
  return { hit1: h1 / (qs.length || 1), hit3: h3 / (qs.length || 1) };
}

/**
 * RankNet-style pairwise logistic regression: for every (correct, wrong) pair of a question, the
 * probability that the correct one scores higher is sigmoid(w · (f⁺ − f⁻)); full-batch gradient ascent
 * on the mean log-likelihood (each question's pairs weigh 1 in all, so a question with many candidates
 * does not dominate), a small L2 pull towards 0. Deterministic: no sampling, a fixed number of steps.
 * Returns weights scaled so that `overlap` is 1 (the confidence reads overlap on that scale).
 */
function fitPairwise(
  sets: { qs: Question[]; weight: number }[],
  steps = 300,
  rate = 0.5,
  l2 = 1e-3,
): Weights {
  const dim = keys.length;
  const pairs: { diff: Float64Array; weight: number }[] = [];
  for (const { qs, weight } of sets) {
    for (const q of qs) {
      const pos = q.filter((r) => r.label);
      const neg = q.filter((r) => !r.label);
      if (pos.length === 0 || neg.length === 0) continue;
      const each = weight / (pos.length * neg.length);
      for (const p of pos)
        for (const n of neg) {
          const diff = new Float64Array(dim);
          keys.forEach((k, i) => {
            diff[i] = p.features[k] - n.features[k];
          });
          pairs.push({ diff, weight: each });
        }
    }
  }
  const total = pairs.reduce((s, p) => s + p.weight, 0) || 1;
  const w = new Float64Array(dim);
  keys.forEach((k, i) => {
    w[i] = base[k];
  });
  for (let step = 0; step < steps; step++) {
    const grad = new Float64Array(dim);
    for (const { diff, weight } of pairs) {
      let z = 0;
      for (let i = 0; i < dim; i++) z += w[i]! * diff[i]!;
      const g = weight / (1 + Math.exp(z));
      for (let i = 0; i < dim; i++) grad[i]! += g * diff[i]!;
    }
    for (let i = 0; i < dim; i++) w[i]! += rate * (grad[i]! / total - l2 * w[i]!);
  }
  const scale = w[keys.indexOf('overlap')]! || 1;
  return Object.fromEntries(keys.map((k, i) => [k, Math.round((w[i]! / scale) * 100) / 100])) as Weights;
}

/**
 * Coordinate ascent from `start` on `objective`; `overlap` stays 1 (it sets the scale the confidence
 * reads). After each round the held-back objective is read, and the weights of the round that scored
 * best there are returned (early stopping: later rounds that only fit the fitting part are dropped).
 */
function fitWeights(
  objective: (w: Weights) => number,
  heldBack: (w: Weights) => number,
  start: Weights,
  rounds: number,
): Weights {
  let best = { ...start };
  let bestScore = objective(best);
  let kept = { ...best };
  let keptScore = heldBack(best);
  const steps = [-0.4, -0.2, -0.1, -0.05, 0.05, 0.1, 0.2, 0.4];
  for (let round = 0; round < rounds; round++) {
    let improved = false;
    for (const k of keys) {
      if (k === 'overlap') continue;
      for (const step of steps) {
        const trial = { ...best, [k]: Math.round((best[k] + step) * 100) / 100 };
        const score = objective(trial);
        if (score > bestScore + 1e-6) {
          best = trial;
          bestScore = score;
          improved = true;
        }
      }
    }
    const held = heldBack(best);
    process.stderr.write(`round ${round + 1}: fit ${bestScore.toFixed(4)}  held back ${held.toFixed(4)}\n`);
    if (values.verbose) {
      report(`round ${round + 1}`, best);
      process.stderr.write(`${JSON.stringify(best)}\n`);
    }
    if (held > keptScore + 1e-6) {
      kept = { ...best };
      keptScore = held;
    }
    if (!improved) break;
  }
  return kept;
}

const wikiCounted = (l: boolean[]) => l.includes(true);
const trecCounted = (l: boolean[]) => l.includes(true) && l.includes(false);
const wikiTrain = selectionRows(
  await readWikiQaTrain(file('wikiqa', 'WikiQA-train.reconstructed.tsv')),
  wikiCounted,
);
const trecTrain = selectionRows(await readTrecQa(file('trecqa', 'train.csv')), trecCounted);
const wikiDev = selectionRows(await readWikiQa(file('wikiqa', 'WikiQA-dev.tsv')), wikiCounted);
const trecDev = selectionRows(await readTrecQa(file('trecqa', 'dev.csv')), trecCounted);
const squadAll = values.squad ? await squadRows(file('squad', 'dev-v1.1.part1of2.json')) : [];
const squadFit = squadAll.filter((q) => q.even).map((q) => q.rows);
const squadCheck = squadAll.filter((q) => !q.even).map((q) => q.rows);

// WikiQA train is 2,118 questions, TrecQA train 93: average the MAPs so both kinds of question count;
// with --squad, the open-corpus hit@1 and hit@3 of the SQuAD articles at even positions count too (the
// odd ones are the check), as sentence selection alone never sees retrieval's passage scores.
// Every fifth question of each training split (and of the even SQuAD articles) is held back from the
// fit and read only to stop it early.
const part = <T>(xs: T[], held: boolean) => xs.filter((_, i) => (i % 5 === 4) === held);
const objectiveOn = (wiki: Question[], trec: Question[], squad: Question[]) => (w: Weights) => {
  const selection = (meanAp(wiki, w) + meanAp(trec, w)) / 2;
  if (squad.length === 0) return selection;
  const h = hits(squad, w);
  return (2 * selection + h.hit1 + h.hit3) / 4;
};
const objective = objectiveOn(part(wikiTrain, false), part(trecTrain, false), part(squadFit, false));
const heldBack = objectiveOn(part(wikiTrain, true), part(trecTrain, true), part(squadFit, true));
const report = (name: string, w: Weights) => {
  const figures: Record<string, number> = {
    wikiTrain: meanAp(wikiTrain, w),
    trecTrain: meanAp(trecTrain, w),
    wikiDev: meanAp(wikiDev, w),
    trecDev: meanAp(trecDev, w),
  };
  if (squadAll.length) {
    const fitted = hits(squadFit, w);
    const check = hits(squadCheck, w);
    Object.assign(figures, {
      sqFit1: fitted.hit1,
      sqFit3: fitted.hit3,
      sqChk1: check.hit1,
      sqChk3: check.hit3,
      sqRecall: squadAll.filter((q) => q.rows.some((r) => r.label)).length / squadAll.length,
    });
  }
  const line = Object.entries(figures)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join('  ');
  process.stdout.write(`${name.padEnd(13)} ${line}\n`);
};

// --set k=v,…: start from the shipped weights with these changed (for --scan and the fit).
const base: Weights = { ...DEFAULT_WEIGHTS };
for (const pair of values.set?.split(',') ?? []) {
  const [k, v] = pair.split('=');
  if (!k || !(k in base) || v === undefined || Number.isNaN(Number(v))) {
    process.stderr.write(`tune: --set ${pair}: not a weight=value pair\n`);
    process.exit(64);
  }
  base[k as keyof Features] = Number(v);
}
report('current', DEFAULT_WEIGHTS);
if (values.set) report('set', base);
if (values.scan) {
  // --scan key1,key2: the figures with each listed weight moved alone, the others as shipped.
  for (const k of values.scan.split(',') as (keyof Features)[]) {
    for (const step of [-0.4, -0.2, -0.1, 0.1, 0.2, 0.4]) {
      const w = Math.round((base[k] + step) * 100) / 100;
      report(`${k}=${w}`, { ...base, [k]: w });
    }
  }
  process.exit(0);
}
const start = values.pairwise
  ? fitPairwise([
      { qs: part(wikiTrain, false), weight: 1 / wikiTrain.length },
      { qs: part(trecTrain, false), weight: 1 / trecTrain.length },
      { qs: part(squadFit, false), weight: 1 / (squadFit.length || 1) },
    ])
  : base;
if (values.pairwise) report('pairwise', start);
const fitted = fitWeights(objective, heldBack, start, Number(values.rounds));
report('fitted', fitted);
process.stdout.write(`${JSON.stringify(fitted)}\n`);
