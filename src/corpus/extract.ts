/**
 * Turning a fetched page (`fetchPage`) into an article ready for `saveArticleFile`: decode, extract the
 * article from HTML or read text/Markdown, clean, and gather the metadata.
 */
import { AppError } from '../errors.js';
import type { ArticleMeta, FrontMatter } from './article.js';
import { cleanText, findSourceLine } from './clean.js';
import type { FetchedPage } from './fetch.js';
import { extractHtml } from './html.js';
import {
  decodeText,
  decodeWindows1252,
  splitFrontMatter,
  stripMarkdown,
  titleFromParagraphs,
} from './load.js';

/** An extracted article: its metadata and cleaned paragraphs (the input of `saveArticleFile`). */
export interface ExtractedArticle {
  meta: ArticleMeta;
  paragraphs: string[];
}

/**
 * Extracts an article from a fetched page. HTML and XHTML go through `extractHtml` (Readability), and
 * its paragraphs through the cleaner `cleanText`; plain text and Markdown (front-matter honoured when
 * valid) go through the cleaner directly. The title comes from the page (og:title, `<title>`, a Markdown
 * heading, a headline-shaped first line) or else its first sentence-like paragraph. The publisher is the
 * page's declared site name (or a "Source: …" line of a text page), or else the URL's host name without
 * `www.`: a moderator chose this page, so the site it lives on is a fair name for who published it.
 * `url` is the final URL after redirects. Throws `ARTICLE_NO_TEXT` when nothing is left after cleaning.
 *
 * @example
 * articleFromFetched({ url: 'https://www.example.com/a', contentType: 'text/plain', bytes })
 * // → { meta: { title: 'Council approves budget', source: 'example.com', url: 'https://www.example.com/a' }, paragraphs: [...] }
 */
export function articleFromFetched(page: FetchedPage): ExtractedArticle {
  const type = (page.contentType.split(';')[0] ?? '').trim().toLowerCase();
  const text = decodePage(page);
  const host = hostName(page.url);
  let paragraphs: string[];
  let found: Partial<ArticleMeta>;
  if (
    type === 'text/html' ||
    type === 'application/xhtml+xml' ||
    /^\s*<(!doctype html|html)[\s>]/i.test(text)
  ) {
    const extract = extractHtml(text, page.url);
    paragraphs = cleanText(extract.paragraphs.join('\n')).paragraphs;
    found = {
      title: extract.title,
      source: extract.siteName,
      published: extract.published,
      author: extract.byline,
    };
  } else {
    const { frontMatter, body } = readFrontMatter(text, page.url);
    const markdown = type === 'text/markdown' || type === 'text/x-markdown';
    const plain = markdown ? stripMarkdown(body) : body;
    paragraphs = cleanText(plain).paragraphs;
    found = {
      title: frontMatter.title ?? (markdown ? markdownHeading(body) : undefined) ?? headlineLine(plain),
      source: frontMatter.source ?? findSourceLine(plain),
      published: frontMatter.published,
      author: frontMatter.author,
    };
  }
  if (paragraphs.length === 0) {
    throw new AppError('ARTICLE_NO_TEXT', { url: page.url, detail: `${page.url} holds no article text` });
  }
  return {
    meta: {
      title: found.title ?? titleFromParagraphs(paragraphs),
      source: found.source ?? host,
      url: page.url,
      published: found.published,
      author: found.author,
    },
    paragraphs,
  };
}

/** The page's text: in its declared charset when that is not UTF-8 and known, else as the loader decodes. */
function decodePage(page: FetchedPage): string {
  const charset = /;\s*charset\s*=\s*"?([\w.:-]+)"?/i.exec(page.contentType)?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    try {
      // Checks for binary bytes first, as for any file, then decodes in the declared charset.
      decodeText(page.bytes, page.url);
      const decoder = new TextDecoder(charset);
      // Node 20 decodes the windows-1252 family (iso-8859-1, latin1, ascii…) as Latin-1; see decodeWindows1252.
      return decoder.encoding === 'windows-1252' ? decodeWindows1252(page.bytes) : decoder.decode(page.bytes);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      // An unknown charset label: fall through to UTF-8 / Windows-1252.
    }
  }
  return decodeText(page.bytes, page.url);
}

function hostName(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./i, '').toLowerCase() || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Front-matter of a fetched text page, when it has valid front-matter; a broken block is ignored. */
function readFrontMatter(text: string, url: string): { frontMatter: FrontMatter; body: string } {
  try {
    return splitFrontMatter(text, url);
  } catch {
    // Someone else's front-matter (a static-site generator's `layout:` …) is not ours to judge; drop it.
    const match = /^---[ \t]*\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
    return { frontMatter: {}, body: match ? text.slice(match[0].length) : text };
  }
}

/** The first `# Heading` of a Markdown page. */
function markdownHeading(md: string): string | undefined {
  const heading = /^\s{0,3}#\s+(.+?)\s*#*\s*$/m.exec(md)?.[1]?.trim();
  return heading || undefined;
}

/** A first line shaped like a headline: a few words, not too long, not ending like a sentence. */
function headlineLine(text: string): string | undefined {
  const first = text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l !== '');
  if (!first || first.length > 150 || /[.,;:]$/.test(first)) return undefined;
  const words = first.split(' ').length;
  return words >= 3 && /\p{L}{2,}/u.test(first) ? first : undefined;
}
