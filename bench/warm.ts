/**
 * Warm answer latency of newsdesk's engine as the bot runs it: loaded from its snapshot in a process of
 * its own (the bench times engines inside one process that also holds every corpus and peer, whose
 * collector pauses land in the p99). Not part of `npm run bench`:
 *
 *   npx tsx bench/warm.ts [bbc|10000|100000] [--eval ../shared/eval]
 *
 * Builds the snapshot under bench/cache/warm-<size>/ when missing, loads it, answers 200 other questions
 * to warm up, then times the bench's 1,000 questions; prints p50/p95/p99 and the slowest questions.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { answerQuestion } from '../src/answer/answer.js';
import { BOT_READING, SearchEngine } from '../src/search/engine.js';
import { readSnapshot, SNAPSHOT_FILE, writeSnapshot } from '../src/search/snapshot.js';
import { loadBbc, loadSynthetic } from './corpora.js';
import { quantile } from './measure.js';
import { makeQuestions } from './questions.js';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { eval: { type: 'string', default: path.resolve(BENCH, '..', '..', 'shared', 'eval') } },
});
const size = positionals[0] ?? '10000';
const bbc = await loadBbc(values.eval);
const corpus =
  size === 'bbc'
    ? bbc
    : await loadSynthetic(Number(size), 20261123, bbc.articles, values.eval, path.join(BENCH, 'cache'));
const dir = path.join(BENCH, 'cache', `warm-${size}`);
if (!existsSync(path.join(dir, SNAPSHOT_FILE))) {
  await writeSnapshot(dir, SearchEngine.fromArticles(corpus.articles).toState());
}
const questions = makeQuestions(corpus.articles, 1000, 20261123).map((q) => q.text);
// Warmed up on other questions: the timed ones find no article of theirs already in the engine's caches.
const warmup = makeQuestions(corpus.articles, 200, 20261124).map((q) => q.text);
// Only the engine and the question texts stay referenced from here on.
corpus.articles.length = 0;
const state = await readSnapshot(dir, BOT_READING);
if (!state) throw new Error(`no snapshot in ${dir}`);
const engine = SearchEngine.fromState(state);
// The event loop turns between two questions, as in the bot (see bench/child.ts).
const turn = () => new Promise((resolve) => setImmediate(resolve));
for (const q of warmup) {
  await turn();
  await answerQuestion(engine, q, { topK: 3, threshold: 0 });
}
const timed: { question: string; ms: number }[] = [];
for (const question of questions) {
  await turn();
  const started = performance.now();
  await answerQuestion(engine, question, { topK: 3, threshold: 0 });
  timed.push({ question, ms: performance.now() - started });
}
const ms = timed.map((t) => t.ms);
const memory = process.memoryUsage();
process.stdout.write(
  `${corpus.name}: ${questions.length} questions, warm: p50 ${quantile(ms, 0.5).toFixed(2)} ms, p95 ${quantile(ms, 0.95).toFixed(2)} ms, p99 ${quantile(ms, 0.99).toFixed(2)} ms; heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MB, RSS ${(memory.rss / 2 ** 20).toFixed(0)} MB\n`,
);
for (const t of timed.sort((a, b) => b.ms - a.ms).slice(0, 5)) {
  process.stdout.write(`  ${t.ms.toFixed(1)} ms  ${t.question.slice(0, 100)}\n`);
}
