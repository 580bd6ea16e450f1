import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/answer/answer.js';
import { LiveIndex, openIndex, refreshIndex } from '../../src/search/refresh.js';
import { tempCorpus } from '../support/corpus.js';
import { cleanupScope } from '../support/processes.js';

const cleanups = cleanupScope();

async function corpus() {
  const c = await tempCorpus();
  cleanups.push(c.cleanup);
  return { ...c, options: { corpusDir: c.corpusDir, snapshotDir: c.snapshotDir, maxBytes: 1e6 } };
}

describe('refreshIndex', () => {
  it('re-indexes only what was added, changed or removed', async () => {
    const c = await corpus();
    const { engine, summary } = await openIndex(c.options);
    expect(summary.added).toHaveLength(4);

    await rm(path.join(c.corpusDir, 'stadium-transfer.txt'));
    const flood = path.join(c.corpusDir, 'river-flood.md');
    await writeFile(flood, (await readFile(flood, 'utf8')).replace('About 400 people', 'About 650 people'));
    await writeFile(
      path.join(c.corpusDir, 'school-closure.txt'),
      'Ashgrove Primary School will close in July after 112 years, the county council confirmed on Friday.\nParents said they were "devastated" by the decision.\n',
    );
    const refreshed = await refreshIndex(engine, c.options);
    expect(refreshed).toMatchObject({
      added: ['school-closure'],
      changed: ['river-flood'],
      removed: ['stadium-transfer'],
      articles: 4,
    });
    const flood650 = await answerQuestion(engine, 'How many people were evacuated from Millbrook?');
    expect(flood650.results[0]?.text).toContain('650');
    const gone = await answerQuestion(engine, 'Which striker did Kestrel United sign from Porto?');
    expect(gone.results.flatMap((r) => r.sources.map((s) => s.articleId))).not.toContain('stadium-transfer');

    const again = await openIndex(c.options);
    expect(again.summary.snapshot).toBe('loaded');
    expect(again.summary.articles).toBe(4);
  });

  it('reports a broken file with its path and loads the rest', async () => {
    const c = await corpus();
    await writeFile(
      path.join(c.corpusDir, 'broken.md'),
      '---\ntitle: [unclosed\n---\nSome text of an article here.\n',
    );
    await writeFile(path.join(c.corpusDir, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
    await writeFile(path.join(c.corpusDir, 'empty.txt'), '  \n\n');
    await symlink('/etc/hostname', path.join(c.corpusDir, 'outside.txt'));
    const { summary } = await openIndex(c.options);
    expect(summary.articles).toBe(4);
    const byFile = Object.fromEntries(summary.problems.map((p) => [path.basename(p.path), p]));
    expect(byFile['broken.md']?.message).toMatch(/broken\.md:2/);
    expect(byFile['binary.txt']?.code).toBe('FILE_BINARY');
    expect(byFile['empty.txt']?.code).toBe('FILE_EMPTY');
    expect(byFile['outside.txt']?.code).toBe('FILE_OUTSIDE_CORPUS');
  });
});

describe('LiveIndex', () => {
  it('answers from the old corpus, whole, while a refresh runs, and from the new one once it is done', async () => {
    const c = await corpus();
    const { index } = await LiveIndex.open(c.options);
    const old = index.engine;
    await rm(path.join(c.corpusDir, 'stadium-transfer.txt'));
    await writeFile(
      path.join(c.corpusDir, 'late-news.txt'),
      'The ferry service to Inchmore resumed on Monday after a two-week strike.\n',
    );
    let done = false;
    const refreshed = index.refresh().finally(() => {
      done = true;
    });
    const seen: string[] = [];
    while (!done) {
      // Whatever engine answers at any moment holds one corpus or the other, never half of each.
      const now = index.engine;
      const hasNew = now.getArticle('late-news') !== undefined;
      const hasOld = now.getArticle('stadium-transfer') !== undefined;
      expect(hasNew).not.toBe(hasOld);
      seen.push(hasNew ? 'new' : 'old');
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await refreshed).added).toEqual(['late-news']);
    expect(seen).toContain('old');
    expect(old.getArticle('stadium-transfer')).toBeDefined();
    expect(old.getArticle('late-news')).toBeUndefined();
    const answer = await answerQuestion(index.engine, 'When did the ferry service to Inchmore resume?');
    expect(answer.results[0]?.text).toContain('Inchmore');
  });

  it('runs two refreshes asked at once as one', async () => {
    const c = await corpus();
    const { index } = await LiveIndex.open(c.options);
    await writeFile(
      path.join(c.corpusDir, 'late-news.txt'),
      'The ferry service to Inchmore resumed on Monday after a two-week strike.\n',
    );
    const [a, b] = await Promise.all([index.refresh(), index.refresh()]);
    expect(a).toBe(b);
    expect(a.added).toEqual(['late-news']);
  });
});
