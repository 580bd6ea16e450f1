import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { AppError, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import { splitArticleSentences } from '../text/sentences.js';
import {
  type Article,
  type ArticleMeta,
  type DroppedLine,
  type FrontMatter,
  frontMatterSchema,
} from './article.js';
import { cleanText, findSourceLine } from './clean.js';
import { extractHtml } from './html.js';

export { PARSER_VERSION } from './version.js';

/** File endings the loader reads; anything else in the corpus folder is ignored. */
export const ARTICLE_EXTENSIONS = ['.txt', '.md', '.markdown', '.html', '.htm'] as const;

export interface LoadOptions {
  /** Files larger than this are refused (MAX_ARTICLE_BYTES). */
  maxBytes: number;
  log?: Logger;
}

/** A file the loader refused, and why. */
export interface LoadProblem {
  path: string;
  code: string;
  message: string;
}

export interface LoadResult {
  articles: Article[];
  problems: LoadProblem[];
}

/**
 * A stable id from a file name: lower case, runs of anything but letters and digits become one `-`.
 *
 * @example articleIdFromPath('index-data/articles/000_55944bb53692d394.txt') === '000-55944bb53692d394'
 */
export function articleIdFromPath(file: string): string {
  const base = path.basename(file, path.extname(file));
  const slug = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || createHash('sha256').update(base).digest('hex').slice(0, 12);
}

/**
 * Reads every article file of a folder (not recursive), in file-name order. A file that cannot be read
 * is reported in `problems` with its path and reason, and the rest of the corpus loads. Throws only when
 * the folder itself is missing. Nothing it reads is modified.
 */
export async function loadArticles(dir: string, options: LoadOptions): Promise<LoadResult> {
  const files = await listArticleFiles(dir);
  const articles: Article[] = [];
  const problems: LoadProblem[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    try {
      const article = await readArticleFile(file, { ...options, root: dir });
      const clash = seen.get(article.id);
      if (clash) {
        throw new AppError('FILE_UNREADABLE', {
          path: file,
          detail: `its id ${article.id} is taken by ${clash}`,
        });
      }
      seen.set(article.id, file);
      articles.push(article);
    } catch (err) {
      const problem = describeProblem(file, err);
      options.log?.warn({ file, code: problem.code, reason: problem.message }, 'article skipped');
      problems.push(problem);
    }
  }
  return { articles, problems };
}

/** The article files of a folder, sorted by name. Throws `CORPUS_MISSING` when the folder does not exist. */
export async function listArticleFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    throw new AppError('CORPUS_MISSING', { path: dir, detail: dir }, { cause: err });
  }
  return entries
    .filter(
      (name) =>
        !name.startsWith('.') &&
        (ARTICLE_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase()),
    )
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * Reads, decodes, cleans and splits one article file. `root`, when given, is the corpus folder the file
 * must stay inside (a symbolic link pointing elsewhere is refused). Throws `AppError` with the path.
 */
export async function readArticleFile(
  file: string,
  options: LoadOptions & { root?: string },
): Promise<Article> {
  return (await readArticleFileDetailed(file, options)).article;
}

/** `readArticleFile`, plus the lines the cleaner dropped and why. */
export async function readArticleFileDetailed(
  file: string,
  options: LoadOptions & { root?: string },
): Promise<{ article: Article; dropped: DroppedLine[] }> {
  const bytes = await readArticleBytes(file, options);
  return parseArticleDetailed(decodeText(bytes, file), articleInput(file, bytes));
}

/** Id, path, content hash and kind of an article file, from its bytes. */
export function articleInput(file: string, bytes: Uint8Array): ParseInput {
  return {
    id: articleIdFromPath(file),
    path: file,
    hash: hashBytes(bytes),
    html: /\.html?$/i.test(file),
  };
}

/** SHA-256 of an article file's bytes, the content hash the index compares. */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface ParseInput {
  id: string;
  path: string;
  hash: string;
  html: boolean;
  /** Metadata known from elsewhere (e.g. the URL an article was fetched from); the file's own wins. */
  known?: Partial<ArticleMeta>;
}

/**
 * Turns the decoded text of an article file into an Article: front-matter, then HTML extraction or
 * Markdown/plain text, then cleaning and sentence splitting. Throws `ARTICLE_NO_TEXT` when nothing is
 * left and `FRONT_MATTER_INVALID` with the line when the front-matter is broken.
 */
export function parseArticle(raw: string, input: ParseInput): Article {
  return parseArticleDetailed(raw, input).article;
}

/** `parseArticle`, plus the lines the cleaner dropped and why (for `inspect --dropped`). */
export function parseArticleDetailed(
  raw: string,
  input: ParseInput,
): { article: Article; dropped: DroppedLine[] } {
  const { frontMatter, body } = splitFrontMatter(raw, input.path);
  let paragraphs: string[];
  let dropped: DroppedLine[];
  let found: Partial<ArticleMeta> = {};
  let sourceHint: string | undefined;
  if (input.html || /^\s*<(!doctype html|html)[\s>]/i.test(body)) {
    const page = extractHtml(body, input.known?.url);
    ({ paragraphs, dropped } = cleanText(page.paragraphs.join('\n')));
    found = {
      title: page.title,
      source: page.siteName,
      published: page.published,
      author: page.byline,
      url: page.url,
    };
  } else {
    const text = /\.(md|markdown)$/i.test(input.path) ? stripMarkdown(body) : body;
    ({ paragraphs, dropped } = cleanText(text));
    sourceHint = findSourceLine(text);
  }
  if (paragraphs.length === 0)
    throw new AppError('ARTICLE_NO_TEXT', { path: input.path, detail: input.path });

  const meta: ArticleMeta = {
    title: frontMatter.title ?? input.known?.title ?? found.title ?? titleFromParagraphs(paragraphs),
    source: frontMatter.source ?? input.known?.source ?? found.source ?? sourceHint ?? 'unknown',
    url: frontMatter.url ?? input.known?.url ?? found.url,
    published: frontMatter.published ?? input.known?.published ?? found.published,
    author: frontMatter.author ?? input.known?.author ?? found.author,
  };
  const { text, sentences } = splitArticleSentences(input.id, paragraphs);
  return {
    article: { id: input.id, path: input.path, meta, paragraphs, text, sentences, hash: input.hash },
    dropped,
  };
}

/** Splits YAML front-matter (`---` … `---` at the very start) from the body. */
export function splitFrontMatter(raw: string, file: string): { frontMatter: FrontMatter; body: string } {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(raw);
  if (!match) return { frontMatter: {}, body: raw };
  const doc = parseDocument(match[1] ?? '', { prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    // +1: the opening `---` is line 1 of the file.
    const line = (error.linePos?.[0]?.line ?? 1) + 1;
    throw new AppError('FRONT_MATTER_INVALID', {
      path: file,
      line,
      detail: `${file}:${line}: ${error.message.split('\n')[0]}`,
    });
  }
  let value: unknown;
  try {
    // Converting can still fail on a well-formed document: an alias to an anchor set later
    // (`? *bold**`), or aliases expanded past yaml's limit (a "billion laughs" file).
    value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new AppError(
      'FRONT_MATTER_INVALID',
      { path: file, line: 1, detail: `${file}:1: ${(err as Error).message.split('\n')[0]}` },
      { cause: err },
    );
  }
  const parsed = frontMatterSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // An unknown key has no path of its own: zod lists it under `keys`.
    const unknownKey = issue && 'keys' in issue && Array.isArray(issue.keys) ? issue.keys[0] : undefined;
    const key = String(issue?.path[0] ?? unknownKey ?? '');
    const line = lineOfKey(match[1] ?? '', key);
    throw new AppError('FRONT_MATTER_INVALID', {
      path: file,
      line,
      detail: `${file}:${line}: ${key ? `${key}: ` : ''}${issue?.message ?? 'invalid'}`,
    });
  }
  return { frontMatter: parsed.data, body: raw.slice(match[0].length) };
}

function lineOfKey(yamlText: string, key: string): number {
  const index = yamlText.split(/\r?\n/).findIndex((l) => l.startsWith(`${key}:`));
  return index >= 0 ? index + 2 : 1;
}

/** The title of an article without one: its first sentence-like paragraph, shortened on a word boundary. */
export function titleFromParagraphs(paragraphs: string[]): string {
  const first =
    paragraphs.find((p) => /\p{L}{2,}/u.test(p) && p.split(/\s+/).length >= 3) ?? paragraphs[0] ?? '';
  return shorten(first, 120);
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}

/** Markdown to plain paragraphs: links keep their text, emphasis and heading marks go, code fences go. */
export function stripMarkdown(md: string): string {
  return md
    .replace(/```[\s\S]*?```/g, '')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s{0,3}>\s?/gm, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_]([^*_\n]+)[*_](?=[\s).,;:!?]|$)/gm, '$1$2')
    .replace(/`([^`]+)`/g, '$1');
}

/**
 * Reads an article file's bytes, refusing what is missing, not a regular file, larger than
 * `maxBytes`, empty, or a symbolic link out of `root`. Throws `AppError` naming the path.
 */
export async function readArticleBytes(
  file: string,
  options: LoadOptions & { root?: string },
): Promise<Buffer> {
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(file);
  } catch (err) {
    throw new AppError('FILE_MISSING', { path: file, detail: file }, { cause: err });
  }
  if (info.isSymbolicLink() && options.root) {
    const [target, root] = await Promise.all([realpath(file).catch(() => ''), realpath(options.root)]);
    if (!target?.startsWith(root + path.sep)) {
      throw new AppError('FILE_OUTSIDE_CORPUS', {
        path: file,
        detail: `${file} links outside ${options.root}`,
      });
    }
  }
  let bytes: Buffer;
  try {
    const real = info.isSymbolicLink() ? await lstat(await realpath(file)) : info;
    if (!real.isFile()) throw new Error('not a regular file');
    if (real.size > options.maxBytes) {
      throw new AppError('FILE_TOO_LARGE', {
        path: file,
        size: real.size,
        detail: `${file} is ${real.size} bytes, the limit is ${options.maxBytes} (MAX_ARTICLE_BYTES)`,
      });
    }
    bytes = await readFile(file);
  } catch (err) {
    if (isAppError(err)) throw err;
    throw new AppError(
      'FILE_UNREADABLE',
      { path: file, detail: `${file}: ${(err as Error).message}` },
      { cause: err },
    );
  }
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') {
    throw new AppError('FILE_EMPTY', { path: file, detail: file });
  }
  return bytes;
}

/**
 * Decodes file bytes: UTF-8 (BOM dropped) when valid, else Windows-1252, the usual encoding of older
 * news files. Bytes that look binary (NUL bytes, or many control characters) are refused.
 */
export function decodeText(bytes: Uint8Array, file = 'input'): string {
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of sample) {
    if (b === 0) throw new AppError('FILE_BINARY', { path: file, detail: `${file} holds NUL bytes` });
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  if (control > sample.length * 0.05)
    throw new AppError('FILE_BINARY', { path: file, detail: `${file} is not text` });
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/** What Windows-1252 puts at 0x80–0x9F (the rest of the code page is Latin-1); 0 where it has nothing. */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
  0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0, 0x017e, 0x0178,
];

/**
 * Decodes Windows-1252 bytes. Not `new TextDecoder('windows-1252')`: Node 20 decodes that label as
 * Latin-1, turning curly quotes, dashes and "€" (0x80–0x9F) into invisible C1 control characters, which
 * the cleaner then removes from the text.
 *
 * @example decodeWindows1252(Buffer.from([0x93, 0x48, 0x69, 0x94])) === '“Hi”'
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const codes = Array.from(bytes.subarray(i, i + 8192), (b) =>
      b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] || b : b,
    );
    out += String.fromCharCode(...codes);
  }
  return out;
}

function describeProblem(file: string, err: unknown): LoadProblem {
  if (isAppError(err)) return { path: file, code: err.code, message: err.message };
  return { path: file, code: 'INTERNAL', message: `${file}: ${(err as Error)?.message ?? String(err)}` };
}
