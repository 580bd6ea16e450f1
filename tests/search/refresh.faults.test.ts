import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/answer/answer.js';
import { loadArticles } from '../../src/corpus/load.js';
import { SearchEngine } from '../../src/search/engine.js';
import { openIndex } from '../../src/search/refresh.js';
import { readSnapshot, SNAPSHOT_FILE } from '../../src/search/snapshot.js';
import { tempCorpus } from '../support/corpus.js';

/**
 * SIGKILL at random moments of a refresh, a snapshot write and an add-article, then a restart: the
 * snapshot on disk is always the old corpus or the new one (never a mix, never torn), no article file is
 * lost or left half-written, and the restarted index serves exactly the files in the folder.
 */

const TOWNS = ['Millbrook', 'Ashgrove', 'Inchmore', 'Kestrel', 'Harbour', 'Alder', 'Northgate', 'Fenwick'];
const article = (i: number, version = 1) =>
  `---\ntitle: Council report ${i} on ${TOWNS[i % TOWNS.length]}\nsource: Wire ${i % 5}\n---\n` +
  Array.from(
    { length: 6 },
    (_, p) =>
      `The council of ${TOWNS[(i + p) % TOWNS.length]} said on Monday that budget line ${i}-${p} would rise by ${version * (p + 3)}% next year. Residents asked why the change came now, and officials said item ${p} had been delayed since ${2000 + p}.`,
  ).join('\n\n');

let c: Awaited<ReturnType<typeof tempCorpus>>;
const options = () => ({ corpusDir: c.corpusDir, snapshotDir: c.snapshotDir, maxBytes: 1e6 });

beforeAll(async () => {
  c = await tempCorpus();
  for (let i = 0; i < 60; i++) await writeFile(path.join(c.corpusDir, `report-${i}.md`), article(i));
  await openIndex(options());
});
afterAll(() => c?.cleanup());

/** Runs `script` (ESM, run from the repository root) in a child and SIGKILLs it `afterMs` after it is ready. */
async function killDuring(script: string, afterMs: number): Promise<'killed' | 'finished'> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
  const code = await exited;
  clearTimeout(timer);
  return code === 0 ? 'finished' : 'killed';
}

/** Article ids and hashes a snapshot holds, as one comparable string. */
async function snapshotCorpus(): Promise<string> {
  const state = await readSnapshot(c.snapshotDir);
  if (!state) return '';
  return [...SearchEngine.fromState(state).articleHashes()]
    .map(([id, { hash }]) => `${id}:${hash}`)
    .sort()
    .join(',');
}

async function filesCorpus(): Promise<string> {
  const { articles, problems } = await loadArticles(c.corpusDir, { maxBytes: 1e6 });
  expect(problems).toEqual([]);
  return articles
    .map((a) => `${a.id}:${a.hash}`)
    .sort()
    .join(',');
}

const REFRESH = (dir: string, snap: string) => `
  import { openIndex } from './src/search/refresh.ts';
  process.stdout.write('ready\\n');
  await openIndex({ corpusDir: ${JSON.stringify(dir)}, snapshotDir: ${JSON.stringify(snap)}, maxBytes: 1e6 });
`;

describe('a refresh killed at random moments', () => {
  it('leaves the old or the new snapshot, never a broken one, and the restart serves the folder', async () => {
    const outcomes: string[] = [];
    // Delays spread over a refresh of this corpus in a child (~0.1–0.4 s: load the snapshot, parse the
    // changed files, write the snapshot): before it starts, while parsing, while writing, after.
    for (const [round, delay] of [0, 25, 60, 120, 250].entries()) {
      const before = await snapshotCorpus();
      // Change the corpus: one article rewritten, one added, one removed per round.
      await writeFile(path.join(c.corpusDir, `report-${round}.md`), article(round, round + 2));
      await writeFile(path.join(c.corpusDir, `extra-${round}.md`), article(1000 + round));
      await import('node:fs/promises').then((fs) => fs.rm(path.join(c.corpusDir, `report-${50 + round}.md`)));
      const after = await filesCorpus();

      outcomes.push(await killDuring(REFRESH(c.corpusDir, c.snapshotDir), delay));
      const onDisk = await snapshotCorpus();
      expect([before, after]).toContain(onDisk);

      const { engine, summary } = await openIndex(options());
      expect(summary.problems).toEqual([]);
      expect(engine.size.articles).toBe(after.split(',').length);
      expect(await snapshotCorpus()).toBe(after);
      const answer = await answerQuestion(
        engine,
        `What did the council of Millbrook say about budget line ${round}-0?`,
      );
      expect(answer.answered).toBe(true);
    }
    expect(outcomes).toContain('killed');
    console.info(`refresh kills: ${outcomes.join(', ')}`);
  }, 60_000);

  it('rebuilds a truncated snapshot on restart', async () => {
    const file = path.join(c.snapshotDir, SNAPSHOT_FILE);
    const bytes = await readFile(file);
    for (const cut of [0, Math.floor(bytes.length / 3), bytes.length - 1]) {
      await writeFile(file, bytes.subarray(0, cut));
      const { summary } = await openIndex(options());
      expect(summary.snapshot).toBe('rebuilt');
      expect(await snapshotCorpus()).toBe(await filesCorpus());
    }
  });
});

describe('an add-article killed at random moments', () => {
  it('never loses or tears an article file, and the restart indexes every file there is', async () => {
    const script = `
      import { saveArticleFile } from './src/corpus/save.ts';
      import { LiveIndex } from './src/search/refresh.ts';
      const options = { corpusDir: ${JSON.stringify(c.corpusDir)}, snapshotDir: ${JSON.stringify(c.snapshotDir)}, maxBytes: 1e6 };
      const { index } = await LiveIndex.open(options);
      process.stdout.write('ready\\n');
      for (let i = 0; i < 20; i++) {
        const n = Date.now() + '-' + i;
        await saveArticleFile(options.corpusDir, {
          meta: { title: 'Added report ' + n, source: 'Wire', url: 'https://news.example.org/' + n },
          paragraphs: ['The harbour board said on Friday that the pier ' + n + ' would reopen in May after repairs costing 2m.'],
        });
        await index.refresh();
      }
    `;
    for (const delay of [40, 200]) {
      const filesBefore = new Set((await readdir(c.corpusDir)).filter((f) => !f.startsWith('.')));
      await killDuring(script, delay);
      const filesAfter = (await readdir(c.corpusDir)).filter((f) => !f.startsWith('.'));
      for (const f of filesBefore) expect(filesAfter).toContain(f);
      const corpus = await filesCorpus(); // every file loads: none torn
      const { engine } = await openIndex(options());
      expect(engine.size.articles).toBe(filesAfter.length);
      expect(await snapshotCorpus()).toBe(corpus);
    }
  }, 60_000);
});
