import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openCorpus } from './open.js';
import { runCli } from './run.js';

const USAGE = 'usage: npm run index -- [--rebuild] [--corpus DIR] [--json]';

/** A one-line progress bar on stderr, drawn only in a terminal and only for corpora worth waiting for. */
function progressBar(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (done, total) => {
    if (total < 200) return;
    const now = Date.now();
    if (done !== total && now - last < 100) return;
    last = now;
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files`);
    if (done === total) process.stderr.write('\n');
  };
}

await runCli('index', async ({ config, log }) => {
  const { values } = parseArgs({
    options: {
      rebuild: { type: 'boolean', default: false },
      corpus: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.rebuild) await rm(config.SNAPSHOT_DIR, { recursive: true, force: true });
  const { summary, close } = await openCorpus(config, log, values.corpus ?? config.CORPUS_DIR, progressBar());
  await close();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const out = [
      `articles:  ${summary.articles}`,
      `passages:  ${summary.passages}`,
      `sentences: ${summary.sentences}`,
      `added: ${summary.added.length}, changed: ${summary.changed.length}, removed: ${summary.removed.length}`,
      `snapshot:  ${summary.snapshot}`,
      `seconds:   ${summary.seconds}`,
    ];
    for (const p of summary.problems) out.push(`skipped:   ${p.message}`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
  return 0;
});
