import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  articleIdFromPath,
  decodeText,
  loadArticles,
  parseArticle,
  readArticleFile,
  splitFrontMatter,
} from '../../src/corpus/load.js';
import { isAppError } from '../../src/errors.js';
import { DEFAULT_ARTICLES } from '../support/corpus.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function folder(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'newsdesk-load-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return dir;
}

const input = (p: string) => ({ id: articleIdFromPath(p), path: p, hash: 'h', html: /\.html?$/.test(p) });

describe('articleIdFromPath', () => {
  it('makes a stable slug of the file name', () => {
    expect(articleIdFromPath('index-data/articles/000_55944bb53692d394.txt')).toBe('000-55944bb53692d394');
    expect(articleIdFromPath('/x/Crème Brûlée: Recipe!.md')).toBe('creme-brulee-recipe');
  });
});

describe('readArticleFile', () => {
  it('reads the default corpus with the publisher its front-matter names, and unknown where none', async () => {
    const { articles, problems } = await loadArticles(DEFAULT_ARTICLES, { maxBytes: 1e6 });
    expect(problems).toEqual([]);
    expect(articles.map((a) => [a.id, a.meta.source, a.meta.url])).toEqual([
      ['000-55944bb53692d394', 'Al Jazeera', undefined],
      ['002-2415d7d0c8b47aa8', 'unknown', undefined],
    ]);
    expect(articles[0]?.meta.title).toMatch(/^Russia has accused two British diplomats/);
  });

  it('keeps every article paragraph of the scraped default pages once, and none of the page around them', async () => {
    const { articles } = await loadArticles(DEFAULT_ARTICLES, { maxBytes: 1e6 });
    const [aj, other] = articles;
    expect(aj?.paragraphs).toHaveLength(15);
    expect(new Set(aj?.paragraphs).size).toBe(aj?.paragraphs.length);
    const text = articles.map((a) => a.text).join('\n');
    for (const junk of [
      'Play Video',
      'Now Playing',
      'Newsletter',
      'cookies',
      'Most popular',
      'GETTY',
      'PutinGetty',
      'u200b',
      '©',
    ]) {
      expect(text).not.toContain(junk);
    }
    expect(other?.paragraphs).toContain(
      'The pair were ordered to leave Russia within two weeks after Moscow claimed they had used the embassy as cover.',
    );
    expect(aj?.paragraphs.at(-1)).toBe('Russia has denied any involvement.');
  });

  it('gives each sentence its paragraph and exact offsets in the cleaned text', async () => {
    const { articles } = await loadArticles(DEFAULT_ARTICLES, { maxBytes: 1e6 });
    for (const a of articles) {
      for (const s of a.sentences) {
        expect(a.text.slice(s.start, s.end)).toBe(s.text);
        expect(a.paragraphs[s.paragraph - 1]).toContain(s.text);
      }
    }
  });

  it('reads HTML pages with their metadata', async () => {
    const html = `<!doctype html><html><head><title>Dam opens | River Times</title>
      <meta property="og:site_name" content="River Times"><meta property="og:title" content="New dam opens on the Severn">
      <meta property="article:published_time" content="2024-06-02T08:00:00Z"><meta name="author" content="Sam Reed"></head>
      <body><nav><a href="/">Home</a></nav><article>
      <p>A new flood barrier on the River Severn opened on Saturday after four years of work costing £42m.</p>
      <p>The barrier can hold back a surge two metres higher than the 2007 floods, the Environment Agency said.</p>
      <p>About 3,000 homes in the town are expected to benefit from the scheme, according to the council.</p>
      </article></body></html>`;
    const dir = await folder({ 'severn-dam.html': html });
    const a = await readArticleFile(path.join(dir, 'severn-dam.html'), { maxBytes: 1e6 });
    expect(a.meta).toMatchObject({
      title: 'New dam opens on the Severn',
      source: 'River Times',
      published: '2024-06-02',
    });
    expect(a.paragraphs[0]).toMatch(/^A new flood barrier/);
    expect(a.text).not.toContain('Home');
  });

  it('strips Markdown syntax but keeps the words of links', () => {
    const a = parseArticle(
      '# Budget day\n\nThe **chancellor** cut [fuel duty](https://x.example/fd) by 5p a litre.\n',
      input('b.md'),
    );
    expect(a.paragraphs).toContain('The chancellor cut fuel duty by 5p a litre.');
  });

  it('uses a trailing "Source:" line as the publisher when the front-matter names none', () => {
    const text =
      'Floods closed the main road into town on Tuesday, police said.\nResidents were told to avoid the area until Thursday.\nSource: Valley Courier\n';
    expect(parseArticle(text, input('f.txt')).meta.source).toBe('Valley Courier');
    expect(
      parseArticle('Floods closed the main road into town on Tuesday, police said.\n', input('g.txt')).meta
        .source,
    ).toBe('unknown');
  });

  it('decodes Windows-1252 text instead of dropping it', () => {
    const bytes = Buffer.from('Caf\xe9 owners said prices rose by 5%.', 'latin1');
    expect(decodeText(bytes)).toBe('Café owners said prices rose by 5%.');
  });
});

describe('splitFrontMatter', () => {
  it('reports broken front-matter with the file and line', () => {
    try {
      splitFrontMatter('---\ntitle: ok\nsource: [broken\n---\nText.', 'a.md');
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err, 'FRONT_MATTER_INVALID')).toBe(true);
      expect((err as Error).message).toMatch(/a\.md:\d+/);
    }
  });

  it('refuses an alias to an anchor set later, and aliases expanded past a limit, as broken front-matter', () => {
    // Well-formed YAML that still cannot become a value; found by the hostile-text property test.
    expect(() => splitFrontMatter('---\n? **bold** __under__\n---\nText about the flood.', 'a.md')).toThrow(
      /a\.md:1: .*alias/i,
    );
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    expect(() => splitFrontMatter(`---\n${laughs}\n---\nText.`, 'a.md')).toThrow(/a\.md:1: /);
  });

  it('refuses unknown keys and a URL that is not http(s), naming the key', () => {
    expect(() => splitFrontMatter('---\ntitel: Typo\n---\nText.', 'a.md')).toThrow(/a\.md:2/);
    expect(() => splitFrontMatter('---\nurl: javascript:alert(1)\n---\nText.', 'a.md')).toThrow(/url/);
  });
});

describe('loadArticles', () => {
  it('skips a missing corpus folder with a clear error', async () => {
    await expect(loadArticles('/no/such/folder', { maxBytes: 1e6 })).rejects.toSatisfy((e) =>
      isAppError(e, 'CORPUS_MISSING'),
    );
  });

  it('reports oversized and binary files with their path and loads the rest', async () => {
    const dir = await folder({
      'good.txt': 'The council approved a new cycle lane on Monday, officials said.\n',
      'big.txt': `${'Long text. '.repeat(300)}\n`,
      'image.md': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]),
      'notes.json': '{"ignored": true}',
    });
    const { articles, problems } = await loadArticles(dir, { maxBytes: 2000 });
    expect(articles.map((a) => a.id)).toEqual(['good']);
    expect(problems.map((p) => [path.basename(p.path), p.code]).sort()).toEqual([
      ['big.txt', 'FILE_TOO_LARGE'],
      ['image.md', 'FILE_BINARY'],
    ]);
    expect(problems.find((p) => p.code === 'FILE_TOO_LARGE')?.message).toContain('MAX_ARTICLE_BYTES');
  });
});
