/**
 * Where newsdesk's engine spends time and memory, phase by phase (not part of `npm run bench`):
 *
 *   npx tsx bench/profile.ts [bbc|10000|100000] [--eval ../shared/eval]
 *
 * Add `node --cpu-prof` (NODE_OPTIONS) for a profile to open in Chrome DevTools.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CANDIDATE_PASSAGES } from '../src/answer/answer.js';
import { parseQuestion } from '../src/answer/question.js';
import { DEFAULT_WEIGHTS, rankSentences } from '../src/answer/rank.js';
import { buildPassages } from '../src/search/chunk.js';
import { BOT_READING, type EngineState, SearchEngine } from '../src/search/engine.js';
import { CHUNK_OPTIONS } from '../src/search/options.js';
import { readSnapshot, writeSnapshot } from '../src/search/snapshot.js';
import { analyze } from '../src/text/analyzer.js';
import { loadBbc, loadSynthetic } from './corpora.js';
import { collectGarbage, quantile } from './measure.js';
import { makeQuestions } from './questions.js';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { eval: { type: 'string', default: path.resolve(BENCH, '..', '..', 'shared', 'eval') } },
});
const size = positionals[0] ?? 'bbc';
const mb = () => {
  collectGarbage();
  const m = process.memoryUsage();
  return `heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MB, rss ${(m.rss / 2 ** 20).toFixed(0)} MB`;
};
const step = <T>(label: string, fn: () => T): T => {
  const t = performance.now();
  const value = fn();
  process.stdout.write(
    `${label.padEnd(44)} ${((performance.now() - t) / 1000).toFixed(2).padStart(7)} s   ${mb()}\n`,
  );
  return value;
};

const stepAsync = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const value = await fn();
  process.stdout.write(
    `${label.padEnd(44)} ${((performance.now() - t) / 1000).toFixed(2).padStart(7)} s   ${mb()}\n`,
  );
  return value;
};

const bbc = await loadBbc(values.eval);
const corpus =
  size === 'bbc'
    ? bbc
    : await loadSynthetic(Number(size), 20261123, bbc.articles, values.eval, path.join(BENCH, 'cache'));
const articles = corpus.articles;
const sentences = articles.flatMap((a) => a.sentences);
process.stdout.write(`${corpus.name}: ${articles.length} articles, ${sentences.length} sentences; ${mb()}\n`);
const passages = step('buildPassages (all articles)', () =>
  articles.flatMap((a) => buildPassages(a, CHUNK_OPTIONS)),
);
step(`analyze every sentence once (${sentences.length})`, () => {
  for (const s of sentences) analyze(s.text);
});
step(`analyze every passage once (${passages.length})`, () => {
  for (const p of passages) analyze(p.text);
});
step(`analyze every title once per passage`, () => {
  const titles = new Map(articles.map((a) => [a.id, a.meta.title]));
  for (const p of passages) analyze(titles.get(p.articleId) ?? '');
});
const engine = step('SearchEngine.fromArticles', () => SearchEngine.fromArticles(articles));
const state = step('engine.toState()', () => engine.toState());
const dir = await mkdtemp(path.join(os.tmpdir(), 'newsdesk-profile-'));
const written = await stepAsync('writeSnapshot', () => writeSnapshot(dir, state));
process.stdout.write(`  snapshot ${(written.bytes / 2 ** 20).toFixed(1)} MB\n`);
const parsed = await stepAsync(
  'readSnapshot',
  async () => (await readSnapshot(dir, BOT_READING)) as EngineState,
);
const loaded = step('SearchEngine.fromState', () => SearchEngine.fromState(parsed));
// The bot holds a small snapshot in memory once checked, in the background (the loop below never lets
// the event loop turn, so it is awaited here).
await stepAsync('checked and held in memory', async () => await parsed.lazy?.held);

const questions = makeQuestions(articles, 300, 20261123).map((q) => q.text);
const phases = { parse: [] as number[], search: [] as number[], terms: [] as number[], rank: [] as number[] };
let candidatesSeen = 0;
for (const [round, engineUsed] of [
  ['cold term cache', loaded],
  ['warm term cache', loaded],
] as const) {
  for (const q of questions) {
    let t = performance.now();
    const pq = parseQuestion(q, engineUsed.stats());
    phases.parse.push(performance.now() - t);
    t = performance.now();
    const candidates = engineUsed.searchPassagesSync(pq.terms, { limit: CANDIDATE_PASSAGES });
    phases.search.push(performance.now() - t);
    t = performance.now();
    // What the ranker asks for: the passage's sentences and the one before.
    for (const c of candidates) {
      const first = c.sentences[0]?.index ?? 0;
      engineUsed.sentenceTerms(c.articleId, first - 1, first + c.sentences.length);
    }
    phases.terms.push(performance.now() - t);
    t = performance.now();
    rankSentences(pq, candidates, engineUsed, DEFAULT_WEIGHTS);
    phases.rank.push(performance.now() - t);
    candidatesSeen += candidates.length;
  }
  const line = Object.entries(phases)
    .map(([k, v]) => `${k} p50 ${quantile(v, 0.5).toFixed(2)} p99 ${quantile(v, 0.99).toFixed(2)} ms`)
    .join('; ');
  process.stdout.write(`answer path, ${round}: ${line}\n`);
  for (const v of Object.values(phases)) v.length = 0;
}
process.stdout.write(
  `after answering: ${mb()}; candidates per question ${(candidatesSeen / questions.length / 2).toFixed(0)}\n`,
);
await rm(dir, { recursive: true, force: true });
