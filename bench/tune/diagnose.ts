/**
 * Prints the selection questions the ranker gets most wrong (lowest average precision), with the
 * first-ranked sentence and the best-ranked correct one, to read what a feature could change.
 *
 *   npx tsx bench/tune/diagnose.ts <wikiqa|trecqa> <file> [count]
 */

import { parseQuestion } from '../../src/answer/question.js';
import { DEFAULT_WEIGHTS } from '../../src/answer/rank.js';
import { readTrecQa, readWikiQa } from '../../src/cli/eval/datasets.js';
import { rankItem } from '../../src/cli/eval/evaluate.js';
import { averagePrecision } from '../../src/cli/eval/metrics.js';
import { SearchEngine } from '../../src/search/engine.js';

const [set, file, count] = process.argv.slice(2);
if (!set || !file) {
  process.stderr.write('usage: npx tsx bench/tune/diagnose.ts <wikiqa|trecqa> <file> [count]\n');
  process.exit(64);
}
const items = set === 'wikiqa' ? await readWikiQa(file) : await readTrecQa(file);
const engine = SearchEngine.fromArticles(items.map((i) => i.article));
const worst = items
  .filter((i) => i.labels.includes(true) && (set === 'wikiqa' || i.labels.includes(false)))
  .map((item) => {
    const ranking = rankItem(engine, item, DEFAULT_WEIGHTS);
    return { item, ranking, ap: averagePrecision(ranking.map((i) => item.labels[i] === true)) };
  })
  .sort((a, b) => a.ap - b.ap)
  .slice(0, Number(count ?? 20));
for (const { item, ranking, ap } of worst) {
  const parsed = parseQuestion(item.question, engine.stats());
  const right = ranking.findIndex((i) => item.labels[i] === true);
  process.stdout.write(
    `\n[${ap.toFixed(2)}] ${item.question}  (${parsed.answerType}; right at ${right + 1}/${ranking.length})\n` +
      `  top:   ${item.article.sentences[ranking[0]!]?.text}\n` +
      `  right: ${item.article.sentences[ranking[right]!]?.text}\n`,
  );
}
