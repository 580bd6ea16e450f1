import { execFileSync } from 'node:child_process';
import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { articleIdFromPath, loadArticles, parseArticle, readArticleBytes } from '../../src/corpus/load.js';
import { isAppError } from '../../src/errors.js';
import { tempCorpus } from '../support/corpus.js';
import { check, hostileText, RUNS } from '../support/hostile.js';
import { cleanupScope } from '../support/processes.js';

const cleanups = cleanupScope();

async function corpus() {
  const c = await tempCorpus();
  cleanups.push(c.cleanup);
  return c;
}

const PROSE = 'The ferry operator said on Monday that sailings to the island would resume on Friday.\n';

describe('loadArticles on hostile files', () => {
  it('refuses each bad file with its own reason and loads the four good articles', async () => {
    const c = await corpus();
    const at = (name: string) => path.join(c.corpusDir, name);
    await writeFile(at('zero-bytes.txt'), '');
    await writeFile(
      at('random-bytes.txt'),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
    );
    await writeFile(at('controls.txt'), Buffer.from('\x01\x02\x03\x04\x05\x06 text \x07\x08'.repeat(50)));
    await writeFile(
      at('utf16.txt'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PROSE, 'utf16le')]),
    );
    // A sparse 6 GB file: refused from its size, never read.
    await writeFile(at('enormous.txt'), '');
    await truncate(at('enormous.txt'), 6 * 1024 ** 3);
    await symlink('/etc/passwd', at('passwd.txt'));
    await symlink('../../../../../../etc/hostname', at('relative-out.txt'));
    await symlink(at('missing-target.txt'), at('dangling.txt'));
    await symlink(at('loop-b.txt'), at('loop-a.txt'));
    await symlink(at('loop-a.txt'), at('loop-b.txt'));
    await mkdir(at('folder.txt'));
    execFileSync('mkfifo', [at('pipe.txt')]);
    await symlink('/dev/zero', at('zeros.txt'));

    const { articles, problems } = await loadArticles(c.corpusDir, { maxBytes: 1_000_000 });
    expect(articles.map((a) => a.id).sort()).toEqual([
      'coastal-wire-rates',
      'harbour-bank-rates',
      'river-flood',
      'stadium-transfer',
    ]);
    const code = Object.fromEntries(problems.map((p) => [path.basename(p.path), p.code]));
    expect(code).toEqual({
      'zero-bytes.txt': 'FILE_EMPTY',
      'random-bytes.txt': 'FILE_BINARY',
      'controls.txt': 'FILE_BINARY',
      'utf16.txt': 'FILE_BINARY',
      'enormous.txt': 'FILE_TOO_LARGE',
      'passwd.txt': 'FILE_OUTSIDE_CORPUS',
      'relative-out.txt': 'FILE_OUTSIDE_CORPUS',
      'dangling.txt': 'FILE_OUTSIDE_CORPUS',
      'loop-a.txt': 'FILE_OUTSIDE_CORPUS',
      'loop-b.txt': 'FILE_OUTSIDE_CORPUS',
      'folder.txt': 'FILE_UNREADABLE',
      'pipe.txt': 'FILE_UNREADABLE',
      'zeros.txt': 'FILE_OUTSIDE_CORPUS',
    });
    for (const p of problems) expect(p.message).toContain(p.path);
    expect(problems.find((p) => p.code === 'FILE_TOO_LARGE')?.message).toMatch(/MAX_ARTICLE_BYTES/);
  });

  it('reads a Windows-1252 file (mis-encoded as far as UTF-8 goes) as the text it was', async () => {
    const c = await corpus();
    const bytes = Buffer.from(
      'The caf\xe9 owner said: \x93We will reopen on Monday.\x94 Prices rose by \x80 2.\n',
      'latin1',
    );
    await writeFile(path.join(c.corpusDir, 'cp1252.txt'), bytes);
    const { articles } = await loadArticles(c.corpusDir, { maxBytes: 1_000_000 });
    const text = articles.find((a) => a.id === 'cp1252')?.text;
    expect(text).toBe('The café owner said: “We will reopen on Monday.” Prices rose by € 2.');
  });

  it('allows a symbolic link to another file inside the corpus', async () => {
    const c = await corpus();
    await symlink(path.join(c.corpusDir, 'river-flood.md'), path.join(c.corpusDir, 'alias.md'));
    await expect(
      readArticleBytes(path.join(c.corpusDir, 'alias.md'), { maxBytes: 1e6, root: c.corpusDir }),
    ).resolves.toBeInstanceOf(Buffer);
  });

  it('ignores hidden files and ".." names, and turns any file name into a safe id', async () => {
    const c = await corpus();
    await writeFile(path.join(c.corpusDir, '..hidden.txt'), PROSE);
    await writeFile(path.join(c.corpusDir, '.swap.txt'), PROSE);
    await writeFile(path.join(c.corpusDir, 'a..b.txt'), PROSE);
    const { articles } = await loadArticles(c.corpusDir, { maxBytes: 1_000_000 });
    expect(articles.map((a) => a.id)).toContain('a-b');
    expect(articles).toHaveLength(5);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (name) => {
        const id = articleIdFromPath(`../../${name}.txt`);
        check(/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id), () => `unsafe id ${JSON.stringify(id)}`);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseArticle on hostile text', () => {
  const input = (html: boolean) => ({ id: 'x', path: html ? 'x.html' : 'x.txt', hash: 'h', html });
  const property = (html: boolean) =>
    fc.property(
      fc.oneof(
        hostileText(40),
        hostileText(20).map((t) => `---\n${t}\n---\n${t}`),
      ),
      (raw) => {
        try {
          const a = parseArticle(raw, input(html));
          check(a.paragraphs.length > 0 && a.meta.title.length <= 121, () => 'empty article or long title');
          for (const s of a.sentences)
            check(a.text.slice(s.start, s.end) === s.text, () => `offsets do not slice ${s.text}`);
        } catch (err) {
          check(
            isAppError(err, 'ARTICLE_NO_TEXT') || isAppError(err, 'FRONT_MATTER_INVALID'),
            () => `threw ${(err as Error).stack}`,
          );
        }
      },
    );

  it('gives an article whose sentences slice its text, or a clear refusal (text files)', () => {
    fc.assert(property(false), { numRuns: RUNS });
  });

  it('gives an article whose sentences slice its text, or a clear refusal (HTML files)', () => {
    fc.assert(property(true), { numRuns: Math.ceil(RUNS / 3) });
  });
});
