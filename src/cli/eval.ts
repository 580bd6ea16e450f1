import { parseArgs } from 'node:util';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../answer/answer.js';
import { SearchEngine } from '../search/engine.js';
import { readSquad, readTrecQa, readWikiQa } from './eval/datasets.js';
import { evaluateAbstain, evaluateOpen, evaluateSelection } from './eval/evaluate.js';
import { runCli } from './run.js';

const SETS = ['wikiqa', 'trecqa', 'squad', 'squad-abstain'];
const USAGE = `usage: npm run eval -- <${SETS.join('|')}> <file>
  e.g. npm run eval -- wikiqa ../shared/eval/wikiqa/WikiQA-dev.tsv
  squad-abstain: index half of the SQuAD articles, ask every question, and pick the confidence
  threshold with the best F1 of "answered and right" (questions on the other half must abstain)`;

const round = (x: number) => Math.round(x * 10_000) / 10_000;

function table(rows: [string, string | number][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

await runCli('eval', async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h', default: false } },
  });
  const [set, file] = positionals;
  if (values.help || !set || !file || !SETS.includes(set)) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 64;
  }
  const started = performance.now();
  let figures: Record<string, number | string>;
  if (set === 'squad-abstain') {
    const { articles, items } = await readSquad(file);
    figures = { set, file, ...(await evaluateAbstain(articles, items, DEFAULT_CONFIDENCE_THRESHOLD)) };
  } else if (set === 'squad') {
    const { articles, items } = await readSquad(file);
    const engine = SearchEngine.fromArticles(articles);
    const f = await evaluateOpen(engine, items);
    figures = { set, file, articles: articles.length, ...f };
  } else {
    const items = set === 'wikiqa' ? await readWikiQa(file) : await readTrecQa(file);
    // WikiQA: questions with a correct sentence; TrecQA: with both a correct and a wrong one.
    const counted =
      set === 'wikiqa'
        ? (l: boolean[]) => l.includes(true)
        : (l: boolean[]) => l.includes(true) && l.includes(false);
    figures = { set, file, ...evaluateSelection(items, counted) };
  }
  figures.seconds = (performance.now() - started) / 1000;
  const rounded = Object.fromEntries(
    Object.entries(figures).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]),
  );
  process.stdout.write(`${table(Object.entries(rounded))}\n${JSON.stringify(rounded)}\n`);
  return 0;
});
