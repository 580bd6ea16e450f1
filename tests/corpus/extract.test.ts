import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { articleFromFetched } from '../../src/corpus/extract.js';
import { fetchPage } from '../../src/corpus/fetch.js';
import { readArticleFile } from '../../src/corpus/load.js';
import { saveArticleFile } from '../../src/corpus/save.js';

const FERRY = readFileSync(new URL('../fixtures/pages/coastal-courier-ferry.html', import.meta.url));
const FERRY_URL = 'https://www.coastalcourier.example/news/2025/03/island-ferry-fares-rise';

const page = (body: string | Buffer, contentType: string, url = 'https://www.example.com/story') => ({
  url,
  contentType,
  bytes: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
});

describe('articleFromFetched', () => {
  it('reads a news page: metadata from og: tags, only the article body as paragraphs', () => {
    const article = articleFromFetched(page(FERRY, 'text/html; charset=utf-8', FERRY_URL));
    expect(article.meta).toEqual({
      title: 'Island ferry fares to rise 12% from April, operator confirms',
      source: 'The Coastal Courier',
      url: FERRY_URL,
      published: '2025-03-14',
      author: 'Maggie Doyle',
    });
    expect(article.paragraphs).toHaveLength(8);
    expect(article.paragraphs[0]).toBe(
      'Fares on the ferry between Portnahaven and Westholm island will rise by 12% from 1 April, the operator Westholm Sea Link confirmed on Thursday, blaming higher fuel and crew costs.',
    );
    expect(article.paragraphs.at(-1)).toBe(
      'The increase is the first since April 2023, when fares rose by 8%.',
    );
    const all = article.paragraphs.join('\n');
    for (const furniture of [
      'cookies',
      'Skip to content',
      'Subscribe',
      'Share on',
      'Photograph:',
      'Read more:',
      'newsletter',
      'More from Local news',
      'Harbour wall repairs',
      'All rights reserved',
    ]) {
      expect(all).not.toContain(furniture);
    }
  });

  it('uses the final URL, not the canonical one the page declares', () => {
    const finalUrl = `${FERRY_URL}?utm_source=discord`;
    expect(articleFromFetched(page(FERRY, 'text/html', finalUrl)).meta.url).toBe(finalUrl);
  });

  it('names the host, without www., as the publisher of a page that does not name itself', () => {
    const html = `<!doctype html><html><head><title>Council approves new cycle lanes on Harbour Road</title></head>
      <body><nav><a href="/">Home</a> <a href="/about">About</a></nav><main>
      <p>The city council approved two kilometres of protected cycle lanes on Harbour Road on Tuesday evening, after a vote of 23 to 14.</p>
      <p>Work is due to start in June and take about four months, with the road kept open to traffic in one direction.</p>
      <p>Shop owners on the road had asked for a delay until after the summer season, saying the works would keep customers away.</p>
      </main></body></html>`;
    const article = articleFromFetched(
      page(html, 'text/html', 'https://www.harbourtimes.example/2025/cycle-lanes'),
    );
    expect(article.meta.source).toBe('harbourtimes.example');
    expect(article.meta.title).toBe('Council approves new cycle lanes on Harbour Road');
    expect(article.paragraphs).toHaveLength(3);
  });

  it('reads plain text: a headline-shaped first line as the title, a "Source:" line as the publisher', () => {
    const text = [
      'Storm closes coastal road for second day',
      '',
      'The coastal road between Carn Point and Portnahaven stayed closed on Sunday after waves threw rocks and debris onto the carriageway.',
      'Engineers said the road would reopen on Monday morning if the wind dropped as forecast, but warned of delays.',
      '',
      'Source: Coastal Wire',
    ].join('\n');
    const article = articleFromFetched(page(text, 'text/plain; charset=utf-8'));
    expect(article.meta.title).toBe('Storm closes coastal road for second day');
    expect(article.meta.source).toBe('Coastal Wire');
    expect(article.meta.url).toBe('https://www.example.com/story');
    expect(article.paragraphs).toContain(
      'Engineers said the road would reopen on Monday morning if the wind dropped as forecast, but warned of delays.',
    );
    expect(article.paragraphs.join('\n')).not.toContain('Source:');
  });

  it('falls back to the first sentence-like paragraph when a text page has no headline', () => {
    const text =
      'The coastal road between Carn Point and Portnahaven stayed closed on Sunday after waves threw rocks onto it.\nEngineers said it would reopen on Monday.';
    const article = articleFromFetched(page(text, 'text/plain', 'https://coastalwire.example/a'));
    expect(article.meta.title).toMatch(/^The coastal road between Carn Point/);
    expect(article.meta.source).toBe('coastalwire.example');
  });

  it('reads Markdown: front-matter when valid, else the first heading; marks stripped', () => {
    const withFrontMatter = [
      '---',
      'title: "Lifeboat crew praised: night rescue off Carn Point"',
      'published: 2025-02-20',
      '---',
      '# Lifeboat crew praised',
      '',
      'The **volunteer** crew of the Portnahaven lifeboat rescued two fishermen whose boat had lost power in a gale on Wednesday night.',
    ].join('\n');
    const a = articleFromFetched(
      page(withFrontMatter, 'text/markdown', 'https://blog.example.org/lifeboat.md'),
    );
    expect(a.meta).toMatchObject({
      title: 'Lifeboat crew praised: night rescue off Carn Point',
      published: '2025-02-20',
      source: 'blog.example.org',
    });
    expect(a.paragraphs).toContain(
      'The volunteer crew of the Portnahaven lifeboat rescued two fishermen whose boat had lost power in a gale on Wednesday night.',
    );

    const foreign = withFrontMatter.replace('published: 2025-02-20', 'layout: post');
    const b = articleFromFetched(page(foreign, 'text/markdown', 'https://blog.example.org/lifeboat.md'));
    expect(b.meta.title).toBe('Lifeboat crew praised');
    expect(b.paragraphs.join('\n')).not.toContain('layout');
  });

  it('decodes a page in its declared charset', () => {
    const text =
      'Café owners in Portnahaven say the new parking charges have cut their trade by a fifth since January.';
    const bytes = Buffer.from(text, 'latin1');
    const article = articleFromFetched(page(bytes, 'text/plain; charset=ISO-8859-1'));
    expect(article.paragraphs).toEqual([text]);
  });

  it('says ARTICLE_NO_TEXT for a page with nothing but page furniture', () => {
    const html = `<!doctype html><html><head><title>Home</title></head><body>
      <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
      <footer><p>© 2025 Example Media. All rights reserved.</p></footer></body></html>`;
    expect(() => articleFromFetched(page(html, 'text/html'))).toThrow(
      expect.objectContaining({ code: 'ARTICLE_NO_TEXT' }),
    );
    expect(() => articleFromFetched(page('   \n  ', 'text/plain'))).toThrow(
      expect.objectContaining({ code: 'ARTICLE_NO_TEXT' }),
    );
  });

  it('goes from a served page to a saved article the loader reads back', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(FERRY);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dir = await mkdtemp(path.join(tmpdir(), 'newsdesk-extract-'));
    try {
      const { port } = server.address() as AddressInfo;
      const fetched = await fetchPage(`http://127.0.0.1:${port}/news/ferry`, {
        timeoutMs: 5_000,
        maxBytes: 1_000_000,
        allowPrivate: true,
      });
      const extracted = articleFromFetched(fetched);
      const saved = await saveArticleFile(dir, extracted);
      const article = await readArticleFile(saved.path, { maxBytes: 1_000_000 });
      expect(article.meta).toEqual({ ...extracted.meta, url: `http://127.0.0.1:${port}/news/ferry` });
      expect(article.paragraphs).toEqual(extracted.paragraphs);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
