/**
 * How the number of candidate passages bounds SQuAD part 1: for each limit, the share of questions whose
 * answer sentence is among the candidates at all, and hit@1 / hit@3 of the ranked sentences (no merging).
 * Only for the development file.
 *
 *   npx tsx bench/tune/retrieval.ts <squad file> [limit,limit,…]
 */
import { searchTermsOf } from '../../src/answer/answer.js';
import { parseQuestion } from '../../src/answer/question.js';
import { rankSentences } from '../../src/answer/rank.js';
import { readSquad } from '../../src/cli/eval/datasets.js';
import { SearchEngine } from '../../src/search/engine.js';

const [file, limitList] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: npx tsx bench/tune/retrieval.ts <squad file> [limit,limit,…]\n');
  process.exit(64);
}
const limits = (limitList ?? '10,20,40,80').split(',').map(Number);
const { articles, items } = await readSquad(file);
const engine = SearchEngine.fromArticles(articles);
for (const limit of limits) {
  let reach = 0;
  let h1 = 0;
  let h3 = 0;
  const times: number[] = [];
  for (const item of items) {
    const started = performance.now();
    const parsed = parseQuestion(item.question, engine.stats());
    const candidates = engine.searchPassagesSync(searchTermsOf(parsed, engine.stats()), { limit });
    const ranked = rankSentences(parsed, candidates, engine);
    times.push(performance.now() - started);
    const gold = item.answers.map((a) => a.toLowerCase());
    const at = ranked.findIndex((s) => gold.some((g) => s.sentence.text.toLowerCase().includes(g)));
    if (at >= 0) reach++;
    if (at === 0) h1++;
    if (at >= 0 && at < 3) h3++;
  }
  times.sort((a, b) => a - b);
  const n = items.length;
  process.stdout.write(
    `limit ${String(limit).padStart(4)}  reach ${(reach / n).toFixed(4)}  hit1 ${(h1 / n).toFixed(4)}  hit3 ${(h3 / n).toFixed(4)}  p99 ${times[Math.floor(0.99 * n)]?.toFixed(1)} ms\n`,
  );
}
