import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

/** What an HTML page yields: its article paragraphs and the metadata the page declares. */
export interface HtmlExtract {
  paragraphs: string[];
  title?: string | undefined;
  byline?: string | undefined;
  siteName?: string | undefined;
  published?: string | undefined;
  url?: string | undefined;
}

/** Block elements whose text is one paragraph of the extracted article. */
const BLOCKS = 'p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, figcaption, td';

const clean = (s: string | null | undefined): string | undefined => {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
};

function meta(document: Document, ...names: string[]): string | undefined {
  for (const name of names) {
    const el =
      document.querySelector(`meta[property="${name}"]`) ?? document.querySelector(`meta[name="${name}"]`);
    const value = clean(el?.getAttribute('content'));
    if (value) return value;
  }
  return undefined;
}

/** Reads a date from the page's metadata or a `<time datetime>` element, as YYYY-MM-DD. */
function publishedDate(document: Document, fromReadability: string | null | undefined): string | undefined {
  const candidates = [
    fromReadability,
    meta(document, 'article:published_time', 'og:published_time', 'date', 'pubdate', 'dc.date'),
    document.querySelector('time[datetime]')?.getAttribute('datetime'),
  ];
  for (const c of candidates) {
    const value = clean(c);
    if (!value) continue;
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date.toISOString().slice(0, 10);
  }
  return undefined;
}

/**
 * Extracts the main text of an HTML page with Mozilla's Readability (over linkedom), one paragraph per
 * block element, plus the title, byline, site name and publication date from the page's metadata.
 * A page where Readability finds no article falls back to the text of the body's block elements, so
 * the cleaner still gets a chance; an empty result means the page holds no text.
 */
export function extractHtml(html: string, pageUrl?: string): HtmlExtract {
  const document = parsePage(html);
  // Readability mutates the document, so read metadata first.
  const metaTitle =
    meta(document, 'og:title', 'twitter:title') ?? clean(document.querySelector('title')?.textContent);
  const siteName = meta(document, 'og:site_name', 'application-name');
  const url =
    meta(document, 'og:url') ?? clean(document.querySelector('link[rel="canonical"]')?.getAttribute('href'));
  const metaPublished = publishedDate(document, undefined);

  let parsed: ReturnType<Readability['parse']> = null;
  try {
    parsed = new Readability(document, { charThreshold: 200 }).parse();
  } catch {
    parsed = null;
  }

  let paragraphs: string[] = [];
  if (parsed?.content) {
    const { document: content } = parseHTML(`<html><body>${parsed.content}</body></html>`) as unknown as {
      document: Document;
    };
    paragraphs = blockTexts(content);
  }
  if (paragraphs.length === 0) {
    const fresh = parsePage(html);
    for (const el of fresh.querySelectorAll('script, style, noscript, nav, header, footer, aside, form'))
      el.remove();
    paragraphs = blockTexts(fresh);
    if (paragraphs.length === 0) {
      paragraphs = (fresh.body?.textContent ?? '')
        .split(/\n+/)
        .map((l) => l.replace(/\s+/g, ' ').trim())
        .filter(Boolean);
    }
  }

  return {
    paragraphs,
    title: clean(parsed?.title) ?? metaTitle,
    byline: clean(parsed?.byline) ?? meta(document, 'author', 'article:author'),
    siteName: clean(parsed?.siteName) ?? siteName,
    published: publishedDate(document, parsed?.publishedTime) ?? metaPublished,
    url: url ?? pageUrl,
  };
}

/**
 * The document of a page. For markup without `<html>` (plain text, or a fragment served as HTML),
 * linkedom gives a document without a root element, or with the fragment's first element as the root,
 * and then throws on `document.body` (once a `<script>` root is removed, say): such a page is read as the
 * body of an empty one.
 */
function parsePage(html: string): Document {
  const { document } = parseHTML(html) as unknown as { document: Document };
  if (document.documentElement?.localName === 'html') return document;
  return (
    parseHTML(`<!doctype html><html><head></head><body>${html}</body></html>`) as unknown as {
      document: Document;
    }
  ).document;
}

/** Text of the innermost block elements, in document order; nested blocks are not counted twice. */
function blockTexts(document: Document): string[] {
  const out: string[] = [];
  for (const el of document.querySelectorAll(BLOCKS)) {
    if (el.querySelector(BLOCKS)) continue;
    const text = clean(el.textContent);
    if (text) out.push(text);
  }
  return out;
}
