/**
 * newsdesk's benchmark: its engine and peers (SQLite FTS5, FlexSearch, lunr, MiniSearch with default
 * options) doing the same job on the same sentences, on real and recombined news corpora, plus SQuAD
 * hit@k. Not a test: CI runs only `--quick` to keep it working.
 *
 *   npm run bench                 BBC (2,225 articles) + 10k recombined articles, 1,000 questions each
 *   npm run bench -- --quick      BBC only, 200 questions, 1,000 SQuAD questions (< 2 min; CI smoke run)
 *   npm run bench -- --full       adds 100k recombined articles
 *   options: --eval <dir> (default ../shared/eval), --seed <n>, --engines newsdesk,lunr,…, --no-squad
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readSquad } from '../src/cli/eval/datasets.js';
import { writeSnapshot } from '../src/search/snapshot.js';
import { articleOf, type Corpus, loadBbc, loadSynthetic, requireEvalFile } from './corpora.js';
import { describeMachine } from './machine.js';
import {
  type ColdStart,
  coldStart,
  collectGarbage,
  folderBytes,
  median,
  memorySettled,
  quantile,
  timed,
  type WarmJob,
} from './measure.js';
import { ENGINES, unavailable } from './peers/index.js';
import { NewsdeskPeer } from './peers/newsdesk.js';
import type { Peer, PeerKind } from './peers/peer.js';
import { type BenchQuestion, makeQuestions } from './questions.js';
import { seededRandom } from './random.js';
import {
  type BenchReport,
  type CorpusReport,
  type EngineFigures,
  formatReport,
  type SquadReport,
  writeReport,
} from './report.js';
import { toUnits, type Units } from './units.js';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const CACHE = path.join(BENCH, 'cache');
/** Questions (others than the timed ones, made with the next seed) each engine warms up on. */
const WARMUP = 200;
/** Seconds of warm questions an engine gets per corpus; a slower one is measured on fewer questions. */
const LATENCY_BUDGET_S = 90;
const MB = 2 ** 20;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    eval: { type: 'string', default: path.resolve(ROOT, '..', 'shared', 'eval') },
    seed: { type: 'string', default: '20261123' },
    engines: { type: 'string' },
    'no-squad': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  process.stdout.write(
    'usage: npm run bench [-- --quick | --full] [--eval dir] [--seed n] [--engines a,b] [--no-squad]\n',
  );
  process.exit(0);
}

const mode = args.quick ? 'quick' : args.full ? 'full' : 'default';
const seed = Number(args.seed);
const questionCount = args.quick ? 200 : 1000;
const wanted = args.engines?.split(',').map((s) => s.trim());
const engines = ENGINES.filter((e) => !wanted || wanted.includes(e.name));
const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

if (!existsSync(args.eval)) {
  log(
    `The bench reads real text from ${args.eval}, which is missing (../shared/eval beside the repo; --eval <dir>).`,
  );
  process.exit(2);
}

const started = performance.now();
const report: BenchReport = {
  date: new Date().toISOString().slice(0, 10),
  mode,
  seed,
  machine: describeMachine(),
  setups: Object.fromEntries(engines.map((e) => [e.name, e.setup])),
  corpora: [],
  postgres: postgresStatus(),
  seconds: 0,
};

const bbc = await loadBbc(args.eval);
log(`bbc: ${bbc.articles.length} articles parsed in ${bbc.seconds.toFixed(1)} s`);
const corpora: (() => Promise<Corpus>)[] = [async () => bbc];
if (!args.quick) corpora.push(() => loadSynthetic(10_000, seed, bbc.articles, args.eval, CACHE));
if (args.full) corpora.push(() => loadSynthetic(100_000, seed, bbc.articles, args.eval, CACHE));

for (const next of corpora) {
  const corpus = await next();
  log(
    `${corpus.name}: ${corpus.articles.length} articles (${corpus.origin}, ${corpus.seconds.toFixed(1)} s)`,
  );
  report.corpora.push(await benchCorpus(corpus));
}
if (!args['no-squad']) report.squad = await benchSquad();

report.seconds = (performance.now() - started) / 1000;
report.machine.loadAverageEnd = round(loadavg()[0] ?? 0, 2);
const file = await writeReport(path.join(BENCH, 'results'), report);
process.stdout.write(`${formatReport(report)}\nwritten to ${path.relative(process.cwd(), file)}\n`);
// The PostgreSQL cluster, when one was started, is stopped by its exit hook.
process.exit(0);

/** Every engine on one corpus: build, save, warm answers, cold start in a child process. */
async function benchCorpus(corpus: Corpus): Promise<CorpusReport> {
  const units = toUnits(corpus.articles);
  const questions = makeQuestions(corpus.articles, questionCount, seed);
  const out: CorpusReport = {
    corpus: corpus.name,
    origin: corpus.origin,
    articles: corpus.articles.length,
    sentences: units.sentences.length,
    passages: units.passages.length,
    textMb: round(units.textBytes / MB),
    questions: questions.length,
    engines: [],
  };
  for (const kind of engines) {
    const skipped = await whySkip(kind, units);
    if (skipped) {
      log(`  ${kind.name}: skipped (${skipped})`);
      out.engines.push({ engine: kind.name, skipped });
      continue;
    }
    try {
      out.engines.push(await benchEngine(kind, corpus, units, questions));
    } catch (err) {
      const message = (err as Error).message.split('\n')[0] ?? 'failed';
      log(`  ${kind.name}: failed: ${(err as Error).stack ?? message}`);
      out.engines.push({ engine: kind.name, skipped: `failed: ${message}` });
    }
  }
  return out;
}

async function whySkip(kind: PeerKind, units: Units): Promise<string | undefined> {
  const missing = await unavailable(kind);
  if (missing) return missing;
  if (kind.limit && units.sentences.length > kind.limit.sentences) return kind.limit.reason;
  if (args.quick && kind.name === 'newsdesk postgres' && !wanted)
    return 'not in --quick (a cluster and a build from files take minutes); run the default mode';
  return undefined;
}

async function benchEngine(
  kind: PeerKind,
  corpus: Corpus,
  units: Units,
  questions: BenchQuestion[],
): Promise<EngineFigures> {
  collectGarbage();
  let peer: Peer | undefined = kind.create();
  const built = await timed(() => peer?.build(units));
  const dir = path.join(CACHE, 'run', corpus.name, kind.name.replace(/\W+/g, '-'));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await peer.save(dir);
  const figures: EngineFigures = {
    engine: kind.name,
    buildS: round(built.seconds),
    mbPerS: round(units.textBytes / MB / built.seconds),
    diskMb: round(((await peer.diskBytes?.()) ?? (await folderBytes(dir))) / MB),
  };
  log(`  ${kind.name}: built in ${built.seconds.toFixed(2)} s`);
  if (peer instanceof NewsdeskPeer) {
    const refused = await refusals(peer, questions);
    figures.offTopicRefused = refused.offTopic;
    figures.onTopicRefused = refused.onTopic;
  }
  const refresh =
    peer instanceof NewsdeskPeer
      ? await refreshJob(corpus, path.join(CACHE, 'run', corpus.name, 'refresh'))
      : undefined;
  await (peer as Peer).close?.();
  peer = undefined;
  collectGarbage();
  await memorySettled();
  // Each start is a new process loading what the build saved, then answering the questions warm (the
  // time budget shared between the runs). The warm figures are the run with the median p50: on a shared
  // machine one run can land in a slow spell.
  const runs = corpus.articles.length > 50_000 || args.quick ? 1 : 3;
  const first = questions.find((q) => q.kind === 'sentence')?.text ?? 'What happened?';
  const warm: WarmJob = {
    file: path.join(CACHE, 'run', corpus.name, 'warm.json'),
    questions: questions.map((q) => q.text),
    warmup: makeQuestions(corpus.articles, args.quick ? 20 : WARMUP, seed + 1).map((q) => q.text),
    budgetMs: ((args.quick ? 15 : LATENCY_BUDGET_S) * 1000) / runs,
  };
  const colds = [];
  // The last run also makes a refresh, as the running bot does, once its warm questions are answered.
  for (let i = 0; i < runs; i++)
    colds.push(await coldStart(kind.name, dir, first, i === runs - 1 ? { ...warm, refresh } : warm));
  const refreshed = colds.find((c) => c.refresh)?.refresh;
  if (refresh) await rm(refresh.dir, { recursive: true, force: true });
  if (refreshed) {
    figures.refresh = {
      articles: refreshed.articles,
      seconds: round(refreshed.seconds),
      longestPauseMs: round(refreshed.longestPauseMs, 1),
      peakRssMb: round(refreshed.peakRssMb, 1),
    };
  }
  const warmRuns = colds.map((c) => warmFigures(c.warm, questions, units));
  const byP50 = [...warmRuns].sort((a, b) => (a.p50Ms ?? 0) - (b.p50Ms ?? 0));
  Object.assign(figures, byP50[Math.floor(byP50.length / 2)]);
  const cold = colds.sort((a, b) => a.ms - b.ms)[Math.floor(colds.length / 2)];
  if (cold) {
    figures.coldStartMs = round(cold.ms, 1);
    figures.loadMs = round(cold.loadMs, 1);
    figures.heapMb = round(cold.heapMb, 1);
    figures.rssMb = round(Math.max(cold.rssMb, cold.warm?.rssMb ?? 0), 1);
    figures.notes = [
      `cold start ${cold.ms.toFixed(0)} ms = node+imports ${(cold.ms - cold.loadMs - cold.firstAnswerMs).toFixed(0)} (of which module imports ${cold.importMs.toFixed(0)}) + load ${cold.loadMs.toFixed(0)} + first answer ${cold.firstAnswerMs.toFixed(0)} ms (median of ${runs})`,
      `warm p50 / p99 of each run: ${warmRuns.map((w) => `${w.p50Ms} / ${w.p99Ms}`).join(', ')} ms`,
    ];
  }
  log(`  ${kind.name}: p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, cold ${figures.coldStartMs} ms`);
  return figures;
}

/**
 * Warm latency over the questions the child answered (after its warm-up pass), and hit@1/@3 on the
 * sentence questions.
 */
function warmFigures(
  warm: ColdStart['warm'],
  questions: BenchQuestion[],
  units: Units,
): Partial<EngineFigures> {
  if (!warm) throw new Error("the engine's process answered no warm questions");
  let hit1 = 0;
  let hit3 = 0;
  let asked = 0;
  warm.answers.forEach((ids, i) => {
    const q = questions[i];
    if (q?.kind !== 'sentence') return;
    asked++;
    const hits = ids.slice(0, 3).map((id) => units.sentences[id] === q.gold);
    if (hits[0]) hit1++;
    if (hits.some(Boolean)) hit3++;
  });
  const times = warm.times;
  return {
    p50Ms: round(quantile(times, 0.5)),
    p95Ms: round(quantile(times, 0.95)),
    p99Ms: round(quantile(times, 0.99)),
    hit1: round(hit1 / Math.max(1, asked)),
    hit3: round(hit3 / Math.max(1, asked)),
    answered: times.length,
  };
}

async function refusals(peer: NewsdeskPeer, questions: BenchQuestion[]) {
  let off = 0;
  let offRefused = 0;
  let on = 0;
  let onRefused = 0;
  for (const q of questions) {
    const refused = await peer.refused(q.text);
    if (q.kind === 'off-topic') {
      off++;
      if (refused) offRefused++;
    } else {
      on++;
      if (refused) onRefused++;
    }
  }
  return { offTopic: round(offRefused / Math.max(1, off)), onTopic: round(onRefused / Math.max(1, on)) };
}

/**
 * 1% of the articles changed (a paragraph of another article's sentences appended), written for the
 * child process to apply as the running bot's refresh applies them (`engine.forkWith`, then the snapshot
 * rewritten) while its event loop keeps turning. Reading and hashing the corpus folder, which a refresh
 * also does (between files, the loop turns), is not counted.
 */
async function refreshJob(corpus: Corpus, dir: string): Promise<{ articlesFile: string; dir: string }> {
  const random = seededRandom(seed + 1);
  const { articles } = corpus;
  const count = Math.max(1, Math.round(articles.length / 100));
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(random() * articles.length));
  const changed = [...chosen].map((i) => {
    const article = articles[i]!;
    const other = articles[Math.floor(random() * articles.length)]!;
    const extra = other.sentences
      .slice(-2)
      .map((s) => s.text)
      .join(' ');
    return articleOf(article.id, [...article.paragraphs, extra]);
  });
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const articlesFile = `${dir}.json`;
  await writeFile(articlesFile, JSON.stringify(changed));
  return { articlesFile, dir };
}

/** SQuAD part 1 as an open corpus: every engine indexes its paragraphs' sentences; hit@k by answer text. */
async function benchSquad(): Promise<SquadReport> {
  const file = requireEvalFile(path.join(args.eval, 'squad', 'dev-v1.1.part1of2.json'));
  const { articles, items: all } = await readSquad(file);
  // --quick: every 12th question, all 24 articles still represented.
  const items = args.quick ? all.filter((_, i) => i % 12 === 0) : all;
  const units = toUnits(articles);
  log(`squad: ${articles.length} paragraphs, ${items.length} questions`);
  const out: SquadReport = {
    file: path.relative(ROOT, file),
    paragraphs: articles.length,
    questions: items.length,
    engines: [],
  };
  for (const kind of engines) {
    const skipped = await whySkip(kind, units);
    if (skipped) {
      out.engines.push({ engine: kind.name, skipped });
      continue;
    }
    collectGarbage();
    const peer = kind.create();
    const built = await timed(() => peer.build(units));
    const times: number[] = [];
    let hit1 = 0;
    let hit3 = 0;
    for (const item of items) {
      const t = performance.now();
      const ids = await peer.query(item.question);
      times.push(performance.now() - t);
      const gold = item.answers.map((a) => a.toLowerCase());
      const hits = ids.slice(0, 3).map((id) => {
        const text = units.sentences[id]?.toLowerCase() ?? '';
        return gold.some((g) => text.includes(g));
      });
      if (hits[0]) hit1++;
      if (hits.some(Boolean)) hit3++;
    }
    await peer.close?.();
    const n = Math.max(1, items.length);
    out.engines.push({
      engine: kind.name,
      buildS: round(built.seconds),
      p50Ms: round(median(times)),
      p95Ms: round(quantile(times, 0.95)),
      p99Ms: round(quantile(times, 0.99)),
      hit1: round(hit1 / n),
      hit3: round(hit3 / n),
    });
    log(`  squad ${kind.name}: hit@1 ${(hit1 / n).toFixed(3)} hit@3 ${(hit3 / n).toFixed(3)}`);
  }
  return out;
}

function postgresStatus(): string {
  if (!existsSync(path.join(ROOT, 'src', 'search', 'postgres.ts'))) {
    return 'not measured: src/search/postgres.ts does not exist yet (it joins the table once it does)';
  }
  return 'measured as "newsdesk postgres" when a local server can be started (else its row says why)';
}
