/**
 * One engine in a process of its own, run by the bench: load it from what its build saved, answer one
 * question (the cold start), then, when given a file of questions, answer them warm and print each one's
 * time and top-3 ids. It prints JSON lines the parent reads; the parent times spawn → the `answer` line.
 *
 *   node --expose-gc --import tsx bench/child.ts <engine> <dir> <question> [<warm.json>]
 *
 * warm.json: `{"questions": string[], "warmup": string[], "budgetMs": number}`. Warm answers are timed
 * here rather than in the bench's own process, which holds every corpus and peer (gigabytes at 100k):
 * its collector's pauses would land in every engine's p99.
 *
 * The bench runs it compiled (`compileChild`: esbuild, one file per module) so that the figure is a
 * production start-up, not TypeScript being compiled on the fly by tsx (~0.8 s more here).
 */
import { readFileSync } from 'node:fs';
import type { Article } from '../src/corpus/article.js';

const started = performance.now();
const [engineName, dir, question, warmFile] = process.argv.slice(2);
const { loadEngine } = await import('./peers/lazy.js');
const kind = await loadEngine(engineName ?? '');
const imported = performance.now();
const peer = await kind.load(dir ?? '');
const loadedAt = performance.now();
const ids = await peer.query(question ?? '');
const answeredAt = performance.now();
process.stdout.write(`${JSON.stringify({ event: 'answer', ids })}\n`);
globalThis.gc?.();
const memory = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    event: 'figures',
    importMs: imported - started,
    loadMs: loadedAt - imported,
    firstAnswerMs: answeredAt - loadedAt,
    heapMb: memory.heapUsed / 2 ** 20,
    rssMb: memory.rss / 2 ** 20,
    // Kept alive until here so the figures above count the loaded index.
    alive: peer !== undefined,
  })}\n`,
);
if (warmFile) {
  const job = JSON.parse(readFileSync(warmFile, 'utf8')) as {
    questions: string[];
    warmup: string[];
    budgetMs: number;
    refresh?: { articlesFile: string; dir: string };
  };
  // Between two questions the event loop turns, as it does in the bot between two interactions: work
  // an engine left to the background (reading its snapshot into memory, checking it) gets done.
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  await peer.settled?.();
  const warmStart = performance.now();
  for (const q of job.warmup) {
    await turn();
    await peer.query(q);
    if (performance.now() - warmStart > job.budgetMs / 4) break;
  }
  const loopStart = performance.now();
  const times: number[] = [];
  const answers: number[][] = [];
  for (const q of job.questions) {
    if (performance.now() - loopStart > job.budgetMs) break;
    await turn();
    const t = performance.now();
    answers.push(await peer.query(q));
    times.push(performance.now() - t);
  }
  globalThis.gc?.();
  // Memory once everything the engine loads in the background is in, which the figures above may miss.
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  process.stdout.write(`${JSON.stringify({ event: 'warm', times, answers, rssMb })}\n`);
  if (job.refresh && peer.refresh) {
    // The longest gap between two ticks of a 1 ms timer while the refresh runs: how long a question
    // or a Discord interaction arriving meanwhile could wait before the bot sees it.
    const changed = JSON.parse(readFileSync(job.refresh.articlesFile, 'utf8')) as Article[];
    let last = performance.now();
    let longest = 0;
    let ticks = 0;
    let peakRss = process.memoryUsage.rss();
    const probe = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (++ticks % 20 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 1);
    const started = performance.now();
    await peer.refresh(changed, job.refresh.dir);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(probe);
    longest = Math.max(longest, performance.now() - last);
    const figures = {
      event: 'refresh',
      articles: changed.length,
      seconds,
      longestPauseMs: longest,
      // The process's largest RSS while it ran: the old engine and the new one are both held until the swap.
      peakRssMb: Math.max(peakRss, process.memoryUsage.rss()) / 2 ** 20,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  }
}
await peer.close?.();
process.exit(0);
