/**
 * Prints SQuAD part-1 questions whose gold sentence the engine retrieves but does not rank first, with
 * the first-ranked sentence and the best-ranked gold one and the features that differ most, to read
 * what a feature could change. Only for the development file.
 *
 *   npx tsx bench/tune/squad-misses.ts <squad file> [count] [seed]
 */
import { CANDIDATE_PASSAGES, searchTermsOf } from '../../src/answer/answer.js';
import { parseQuestion } from '../../src/answer/question.js';
import { DEFAULT_WEIGHTS, type Features, rankSentences } from '../../src/answer/rank.js';
import { readSquad } from '../../src/cli/eval/datasets.js';
import { SearchEngine } from '../../src/search/engine.js';

const [file, count, seed] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: npx tsx bench/tune/squad-misses.ts <squad file> [count] [seed]\n');
  process.exit(64);
}
const { articles, items } = await readSquad(file);
const engine = SearchEngine.fromArticles(articles);
const misses: string[] = [];
const byType = new Map<string, { n: number; h1: number; h3: number }>();
for (const item of items) {
  const parsed = parseQuestion(item.question, engine.stats());
  const candidates = engine.searchPassagesSync(searchTermsOf(parsed, engine.stats()), {
    limit: CANDIDATE_PASSAGES,
  });
  const ranked = rankSentences(parsed, candidates, engine, DEFAULT_WEIGHTS, true);
  const gold = item.answers.map((a) => a.toLowerCase());
  const isGold = (t: string) => gold.some((g) => t.toLowerCase().includes(g));
  const at = ranked.findIndex((s) => isGold(s.sentence.text));
  const t = byType.get(parsed.answerType) ?? { n: 0, h1: 0, h3: 0 };
  t.n++;
  if (at === 0) t.h1++;
  if (at >= 0 && at < 3) t.h3++;
  byType.set(parsed.answerType, t);
  if (at <= 0) continue;
  const top = ranked[0]!;
  const right = ranked[at]!;
  const diff = (Object.keys(DEFAULT_WEIGHTS) as (keyof Features)[])
    .map((k) => [k, right.features[k] - top.features[k]] as const)
    .filter(([, d]) => Math.abs(d) > 0.05)
    .map(([k, d]) => `${k} ${d > 0 ? '+' : ''}${d.toFixed(2)}`)
    .join(', ');
  misses.push(
    `\n${item.question}  (${parsed.answerType}; gold "${item.answers[0]}" at ${at + 1})\n` +
      `  top:   ${top.sentence.text}\n  right: ${right.sentence.text}\n  right−top: ${diff}\n`,
  );
}
for (const [type, t] of byType)
  process.stdout.write(
    `${type.padEnd(13)} n ${t.n}  hit1 ${(t.h1 / t.n).toFixed(3)}  hit3 ${(t.h3 / t.n).toFixed(3)}\n`,
  );
// A fixed stride through the misses, so the sample is spread over the file, not its first articles.
const n = Number(count ?? 20);
const stride = Math.max(1, Math.floor(misses.length / n));
for (let i = Number(seed ?? 0) % stride; i < misses.length && i / stride < n; i += stride)
  process.stdout.write(misses[i]!);
