/**
 * Fits the sentence ranker's feature weights (`DEFAULT_WEIGHTS` in src/answer/rank.ts) by coordinate
 * ascent on the training splits only (WikiQA train, TrecQA train), then reports the dev splits with the
 * fitted weights, so a change is judged on data it was not fitted on.
 *
 *   npx tsx bench/tune/tune.ts [--eval ../shared/eval] [--rounds 6] [--squad]
 *
 * Features are computed once per candidate sentence (they do not depend on the weights); each trial
 * re-sorts the cached features, so a full fit takes seconds. `--squad` also reports SQuAD part 1 hit@1
 * and hit@3 over the sentences the engine retrieves (exact duplicates counted once, no merge), which is
 * close to, not the same as, `npm run eval -- squad`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CANDIDATE_PASSAGES } from '../../src/answer/answer.js';
import { parseQuestion } from '../../src/answer/question.js';
import {
  DEFAULT_WEIGHTS,
  type Features,
  rankSentences,
  tieBreak,
  type Weights,
} from '../../src/answer/rank.js';
import { readSquad, readTrecQa, readWikiQa, type SelectionItem } from '../../src/cli/eval/datasets.js';
import { averagePrecision, mean } from '../../src/cli/eval/metrics.js';
import { SearchEngine } from '../../src/search/engine.js';
import type { Candidate } from '../../src/search/store.js';

interface Row {
  features: Features;
  text: string;
  label: boolean;
}
type Question = Row[];

const { values } = parseArgs({
  options: {
    eval: { type: 'string', default: '../shared/eval' },
    rounds: { type: 'string', default: '6' },
    squad: { type: 'boolean', default: false },
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
    const parsed = parseQuestion(item.question, engine.stats());
    const scores = new Map(
      engine
        .searchPassagesSync(parsed.terms, { limit: 10_000, articleIds: new Set([item.article.id]) })
        .map((c) => [c.passageId, c.score]),
    );
    const candidates: Candidate[] = engine
      .allPassages(item.article.id)
      .map((c) => ({ ...c, score: scores.get(c.passageId) ?? 0 }));
    out.push(
      rankSentences(parsed, candidates, engine).map((s) => ({
        features: s.features,
        text: s.sentence.text,
        label: item.labels[s.sentence.index] === true,
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
      const candidates = engine.searchPassagesSync(parsed.terms, { limit: CANDIDATE_PASSAGES });
      const gold = item.answers.map((a) => a.toLowerCase());
      const rows = rankSentences(parsed, candidates, engine).map((s) => ({
        features: s.features,
        text: s.sentence.text,
        label: gold.some((g) => s.sentence.text.toLowerCase().includes(g)),
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
  scored.sort((a, b) => b.s - a.s || tieBreak(a.r.text, b.r.text));
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

/** Coordinate ascent from `start`; `overlap` stays 1 (it sets the scale the confidence reads). */
function fitWeights(objective: (w: Weights) => number, start: Weights, rounds: number): Weights {
  let best = { ...start };
  let bestScore = objective(best);
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
    process.stderr.write(`round ${round + 1}: train objective ${bestScore.toFixed(4)}\n`);
    if (!improved) break;
  }
  return best;
}

const wikiCounted = (l: boolean[]) => l.includes(true);
const trecCounted = (l: boolean[]) => l.includes(true) && l.includes(false);
const wikiTrain = selectionRows(
  await readWikiQa(file('wikiqa', 'WikiQA-train.reconstructed.tsv')),
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
const objective = (w: Weights) => {
  const selection = (meanAp(wikiTrain, w) + meanAp(trecTrain, w)) / 2;
  if (squadFit.length === 0) return selection;
  const h = hits(squadFit, w);
  return (2 * selection + h.hit1 + h.hit3) / 4;
};
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
    });
  }
  const line = Object.entries(figures)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join('  ');
  process.stdout.write(`${name.padEnd(8)} ${line}\n`);
};

report('current', DEFAULT_WEIGHTS);
const fitted = fitWeights(objective, DEFAULT_WEIGHTS, Number(values.rounds));
report('fitted', fitted);
process.stdout.write(`${JSON.stringify(fitted)}\n`);
