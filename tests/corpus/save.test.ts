import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArticleMeta } from '../../src/corpus/article.js';
import { listArticleFiles, readArticleFile } from '../../src/corpus/load.js';
import {
  type ArticleInput,
  formatArticleFile,
  removeArticleFile,
  saveArticleFile,
  slugifyTitle,
} from '../../src/corpus/save.js';

const META: ArticleMeta = {
  title: 'Harbour Bank raises rates: "we will act again" if prices keep rising',
  source: 'Northern Ledger',
  url: 'https://news.example.org/economy/harbour-bank-rates?utm=1#top',
  published: '2025-02-06',
  author: 'Priya Menon',
};

const PARAGRAPHS = [
  'The Harbour Bank raised its main interest rate to 4.5% on Thursday, its third increase in a year, as inflation stayed well above its target.',
  "The decision was backed by seven of the nine members of the bank's rate-setting committee, while two voted to hold rates at 4.25%.",
  'Governor Elaine Marsh said the bank "will not hesitate to act again" if prices kept rising faster than wages.',
  'Mortgage lenders are expected to pass the increase on to about 1.2 million households on variable-rate loans within weeks.',
];

const ARTICLE: ArticleInput = { meta: META, paragraphs: PARAGRAPHS };

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'newsdesk-save-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const load = (file: string) => readArticleFile(file, { maxBytes: 1_000_000, root: dir });

describe('saveArticleFile', () => {
  it('writes an article the loader reads back with the same metadata and paragraphs', async () => {
    const saved = await saveArticleFile(dir, ARTICLE);
    expect(saved.existed).toBe(false);
    expect(path.dirname(saved.path)).toBe(dir);
    expect(path.basename(saved.path)).toMatch(
      /^harbour-bank-raises-rates-we-will-act-again-if-prices-keep-[0-9a-f]{8}\.md$/,
    );
    const article = await load(saved.path);
    expect(article.id).toBe(saved.id);
    expect(article.meta).toEqual(META);
    expect(article.paragraphs).toEqual(PARAGRAPHS);
  });

  it('writes Markdown with YAML front-matter and blank lines between paragraphs', async () => {
    const saved = await saveArticleFile(dir, ARTICLE);
    const text = await readFile(saved.path, 'utf8');
    expect(text).toBe(
      [
        '---',
        `title: 'Harbour Bank raises rates: "we will act again" if prices keep rising'`,
        'source: Northern Ledger',
        'url: https://news.example.org/economy/harbour-bank-rates?utm=1#top',
        'published: 2025-02-06',
        'author: Priya Menon',
        '---',
        '',
        PARAGRAPHS.join('\n\n'),
        '',
      ].join('\n'),
    );
  });

  it('keeps titles with colons, quotes, hashes and leading dashes intact', async () => {
    for (const title of ["Q&A: 'Is it safe?' # Part 2", '- Breaking: "Live" updates', 'yes', '2025-02-06']) {
      const saved = await saveArticleFile(dir, {
        meta: { title, source: 'Wire: Desk' },
        paragraphs: PARAGRAPHS,
      });
      const article = await load(saved.path);
      expect(article.meta.title).toBe(title);
      expect(article.meta.source).toBe('Wire: Desk');
    }
  });

  it('leaves out metadata that is not known', async () => {
    const saved = await saveArticleFile(dir, {
      meta: { title: 'Council meets', source: 'unknown' },
      paragraphs: PARAGRAPHS,
    });
    const text = await readFile(saved.path, 'utf8');
    expect(text.startsWith('---\ntitle: Council meets\nsource: unknown\n---\n')).toBe(true);
    expect((await load(saved.path)).meta).toEqual({ title: 'Council meets', source: 'unknown' });
  });

  it('returns the article already saved instead of writing it twice', async () => {
    const first = await saveArticleFile(dir, ARTICLE);
    const again = await saveArticleFile(dir, ARTICLE);
    expect(again).toEqual({ ...first, existed: true });
    expect(await readdir(dir)).toEqual([path.basename(first.path)]);
  });

  it('treats a re-fetch of the same URL as the article already saved, and keeps the file as it was', async () => {
    const first = await saveArticleFile(dir, ARTICLE);
    const before = await readFile(first.path, 'utf8');
    const updated = await saveArticleFile(dir, {
      meta: META,
      paragraphs: [...PARAGRAPHS, 'Updated at 14:05.'],
    });
    expect(updated).toEqual({ ...first, existed: true });
    expect(await readFile(first.path, 'utf8')).toBe(before);
  });

  it('gives two different articles with the same title two files', async () => {
    const meta = { title: 'Storm warning', source: 'Coastal Wire' };
    const a = await saveArticleFile(dir, { meta, paragraphs: [PARAGRAPHS[0]!] });
    const b = await saveArticleFile(dir, { meta, paragraphs: [PARAGRAPHS[1]!] });
    expect(a.path).not.toBe(b.path);
    expect((await load(a.path)).paragraphs).toEqual([PARAGRAPHS[0]]);
    expect((await load(b.path)).paragraphs).toEqual([PARAGRAPHS[1]]);
  });

  it('never overwrites a different file that holds the name', async () => {
    const theirs = path.join(dir, 'storm.md');
    await writeFile(theirs, '---\ntitle: Their storm\n---\nA different article about a different storm.\n');
    const saved = await saveArticleFile(dir, ARTICLE, { fileName: 'storm.md' });
    expect(saved).toEqual({ path: path.join(dir, 'storm-2.md'), id: 'storm-2', existed: false });
    expect(await readFile(theirs, 'utf8')).toMatch(/Their storm/);
  });

  it('adds .md to a file name without an article extension', async () => {
    const saved = await saveArticleFile(dir, ARTICLE, { fileName: 'Harbour Bank 2025' });
    expect(saved.path).toBe(path.join(dir, 'Harbour Bank 2025.md'));
    expect(saved.id).toBe('harbour-bank-2025');
  });

  it.each(['../escape.md', 'sub/dir.md', 'a\\b.md', '..', '.hidden.md', ''])(
    'refuses the file name %j',
    async (fileName) => {
      await expect(saveArticleFile(dir, ARTICLE, { fileName })).rejects.toMatchObject({
        code: 'FILE_OUTSIDE_CORPUS',
      });
      expect(await readdir(dir)).toEqual([]);
    },
  );

  it('saves paragraphs the Markdown reader would change as .txt, so they round-trip exactly', async () => {
    const paragraphs = [
      'Shares in the *new* fund rose 3% after the regulator approved it, traders said [1].',
      'The `index` rule, known as __rule 4__, applies to [funds](see note) from Monday, the ministry said.',
      '# of votes cast rose to 1.2 million, the electoral office said on Friday evening.',
    ];
    const saved = await saveArticleFile(dir, { meta: { title: 'Fund', source: 'Wire' }, paragraphs });
    expect(saved.path).toMatch(/\.txt$/);
    expect((await load(saved.path)).paragraphs).toEqual(paragraphs);
  });

  it('creates the corpus folder when it does not exist yet', async () => {
    const saved = await saveArticleFile(path.join(dir, 'articles'), ARTICLE);
    expect((await load(saved.path)).meta.title).toBe(META.title);
  });

  it('leaves no temporary file behind, and the loader would skip one left by a crash', async () => {
    await saveArticleFile(dir, ARTICLE);
    const names = await readdir(dir);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // What a crash between write and link leaves: the loader must not read it as an article.
    await writeFile(path.join(dir, `.${names[0]}.0a1b2c3d4e5f.tmp`), 'half an art');
    expect(await listArticleFiles(dir)).toEqual([path.join(dir, names[0]!)]);
  });

  it('refuses metadata the loader would refuse, and writes nothing', async () => {
    await expect(
      saveArticleFile(dir, { meta: { ...META, url: 'ftp://example.org/a.txt' }, paragraphs: PARAGRAPHS }),
    ).rejects.toMatchObject({ code: 'FRONT_MATTER_INVALID' });
    await expect(saveArticleFile(dir, { meta: META, paragraphs: ['  ', ''] })).rejects.toMatchObject({
      code: 'ARTICLE_NO_TEXT',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('saves two articles at once without losing either', async () => {
    const inputs = PARAGRAPHS.map((p, i) => ({
      meta: { title: `Story ${i}`, source: 'Wire' },
      paragraphs: [p],
    }));
    const saved = await Promise.all(inputs.map((input) => saveArticleFile(dir, input)));
    expect(new Set(saved.map((s) => s.path)).size).toBe(PARAGRAPHS.length);
    expect((await listArticleFiles(dir)).length).toBe(PARAGRAPHS.length);
  });
});

describe('formatArticleFile', () => {
  it('puts each paragraph on one line', () => {
    const text = formatArticleFile({
      meta: { title: 'T', source: 'S' },
      paragraphs: ['one\ntwo  three', 'four'],
    });
    expect(text).toBe('---\ntitle: T\nsource: S\n---\n\none two three\n\nfour\n');
  });
});

describe('slugifyTitle', () => {
  it.each([
    ['Harbour Bank raises rates to 4.5%', 'harbour-bank-raises-rates-to-4-5'],
    ['Café owners in Zürich protest', 'cafe-owners-in-zurich-protest'],
    ['北京 天气', 'article'],
    ['   ', 'article'],
  ])('%j → %j', (title, slug) => {
    expect(slugifyTitle(title)).toBe(slug);
  });

  it('stays within 60 ASCII characters, cut at a word boundary', () => {
    const slug = slugifyTitle(
      'Government announces sweeping reform of the national railway network after years of delays',
    );
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(slug).toBe('government-announces-sweeping-reform-of-the-national-railway');
    expect(slug).toMatch(/^[a-z0-9-]+$/);
  });
});

describe('removeArticleFile', () => {
  it('deletes the article with that id and returns its path', async () => {
    const saved = await saveArticleFile(dir, ARTICLE);
    const other = await saveArticleFile(dir, {
      meta: { title: 'Other', source: 'Wire' },
      paragraphs: PARAGRAPHS,
    });
    expect(await removeArticleFile(dir, saved.id)).toBe(saved.path);
    expect(await listArticleFiles(dir)).toEqual([other.path]);
  });

  it('finds files the loader names, whatever their extension and case', async () => {
    await writeFile(path.join(dir, '000_55944BB53692D394.txt'), 'Some article text that is long enough.');
    expect(await removeArticleFile(dir, '000-55944bb53692d394')).toBe(
      path.join(dir, '000_55944BB53692D394.txt'),
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('says ARTICLE_NOT_FOUND for an id that is not there', async () => {
    await saveArticleFile(dir, ARTICLE);
    await expect(removeArticleFile(dir, 'no-such-article')).rejects.toMatchObject({
      code: 'ARTICLE_NOT_FOUND',
    });
  });

  it('never looks outside the folder or into sub-folders', async () => {
    await mkdir(path.join(dir, 'corpus'));
    await mkdir(path.join(dir, 'corpus', 'archive'));
    await writeFile(path.join(dir, 'secret.md'), 'outside');
    await writeFile(path.join(dir, 'corpus', 'archive', 'old.md'), 'archived');
    const corpus = path.join(dir, 'corpus');
    for (const id of ['../secret', '..', 'archive/old', 'old', 'secret']) {
      await expect(removeArticleFile(corpus, id)).rejects.toMatchObject({ code: 'ARTICLE_NOT_FOUND' });
    }
    expect(await readFile(path.join(dir, 'secret.md'), 'utf8')).toBe('outside');
    expect(await readFile(path.join(dir, 'corpus', 'archive', 'old.md'), 'utf8')).toBe('archived');
  });

  it('refuses a symbolic link that points outside the folder', async () => {
    const corpus = path.join(dir, 'corpus');
    await mkdir(corpus);
    await writeFile(path.join(dir, 'elsewhere.md'), 'outside');
    await symlink(path.join(dir, 'elsewhere.md'), path.join(corpus, 'linked.md'));
    await expect(removeArticleFile(corpus, 'linked')).rejects.toMatchObject({ code: 'FILE_OUTSIDE_CORPUS' });
    expect(await readdir(corpus)).toEqual(['linked.md']);
  });
});
