/**
 * Adding and removing article files in the corpus folder, for the moderators' `/add-article` and
 * `/remove-article` commands. The corpus folder is what the index is built from, so a file there must
 * always be whole: writes go to a hidden temporary file that is synced and then linked into place.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, readdir, readFile, realpath, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { AppError, isAppError } from '../errors.js';
import { type ArticleMeta, type FrontMatter, frontMatterSchema } from './article.js';
import { ARTICLE_EXTENSIONS, articleIdFromPath, splitFrontMatter, stripMarkdown } from './load.js';
import { syncDir } from './sync.js';

/** An article to write: its metadata and its cleaned paragraphs, in order. */
export interface ArticleInput {
  meta: ArticleMeta;
  paragraphs: string[];
}

export interface SaveOptions {
  /**
   * File name to use instead of the one made from the title. `.md` is added unless it already ends in
   * `.md`, `.markdown` or `.txt`. A name with a path separator, `..` or a leading dot is refused.
   */
  fileName?: string;
}

export interface SavedArticle {
  /** Path of the article file (`dir` joined with its name). */
  path: string;
  /** The article's id, as the loader derives it from the file name. */
  id: string;
  /** True when the same article was already in the corpus; nothing was written then. */
  existed: boolean;
}

/** Longest slug taken from a title, so file names stay readable and well under file-system limits. */
const SLUG_MAX = 60;

/**
 * A file-name slug of a title: ASCII letters and digits joined by `-`, at most `SLUG_MAX` characters,
 * cut at a word boundary; `article` when the title has no Latin letters or digits.
 *
 * @example slugifyTitle('Harbour Bank raises rates to 4.5%: what it means') === 'harbour-bank-raises-rates-to-4-5-what-it-means'
 */
export function slugifyTitle(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= SLUG_MAX) return slug || 'article';
  const cut = slug.slice(0, SLUG_MAX + 1);
  const dash = cut.lastIndexOf('-');
  return (dash > SLUG_MAX / 2 ? cut.slice(0, dash) : slug.slice(0, SLUG_MAX)).replace(/-+$/, '');
}

/**
 * The text of an article file: YAML front-matter (title, source, then url, published and author when
 * known) and the paragraphs separated by blank lines. The metadata is validated with the loader's own
 * schema, so what is written is what the loader accepts; `FRONT_MATTER_INVALID` otherwise.
 */
export function formatArticleFile(input: ArticleInput): string {
  const paragraphs = normaliseParagraphs(input.paragraphs);
  if (paragraphs.length === 0)
    throw new AppError('ARTICLE_NO_TEXT', { detail: `"${input.meta.title}" has no paragraphs` });
  const { title, source, url, published, author } = input.meta;
  const parsed = frontMatterSchema.safeParse({ title, source, url, published, author });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'meta');
    throw new AppError('FRONT_MATTER_INVALID', { detail: `${key}: ${issue?.message ?? 'invalid'}` });
  }
  const frontMatter = Object.fromEntries(
    Object.entries(parsed.data).filter(([, v]) => v !== undefined),
  ) as FrontMatter;
  // lineWidth 0: one line per key, so a long title stays greppable; yaml quotes colons, quotes, `#`.
  return `---\n${stringify(frontMatter, { lineWidth: 0 })}---\n\n${paragraphs.join('\n\n')}\n`;
}

function normaliseParagraphs(paragraphs: string[]): string[] {
  // The loader reads one paragraph per line, so a paragraph never spans lines in the file.
  return paragraphs.map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p !== '');
}

/**
 * Writes a new article into the corpus folder `dir` (created when missing) and returns its path, id and
 * whether it was already there. The file is Markdown with YAML front-matter, named after the title's slug
 * plus a short hash of the URL (of the content when there is no URL), e.g.
 * `harbour-bank-raises-rates-3f9a1c2e.md`. The same article already saved (same URL, or the same bytes
 * when there is no URL) is returned as it is with `existed: true`; a different file that happens to hold
 * the name is never overwritten, the new one gets a `-2`, `-3`, … suffix. The write is atomic: a crash
 * leaves either no file or the whole file, never half an article.
 *
 * @example
 * await saveArticleFile('index-data/articles', { meta: { title: 'Harbour Bank raises rates', source: 'Northern Ledger', url: 'https://news.example.org/a' }, paragraphs: ['The bank raised…'] })
 * // → { path: 'index-data/articles/harbour-bank-raises-rates-5d41402a.md', id: 'harbour-bank-raises-rates-5d41402a', existed: false }
 */
export async function saveArticleFile(
  dir: string,
  input: ArticleInput,
  options: SaveOptions = {},
): Promise<SavedArticle> {
  const text = formatArticleFile(input);
  const bytes = Buffer.from(text, 'utf8');
  const { stem, extension } =
    options.fileName !== undefined
      ? checkFileName(options.fileName)
      : { stem: `${slugifyTitle(input.meta.title)}-${shortHash(input.meta.url ?? text)}`, extension: '.md' };
  // The loader strips Markdown from .md files; a paragraph that stripping would change (a `*`, a
  // `[link](x)`, a leading `#`) is saved as .txt, which the loader reads verbatim, front-matter included.
  const ext =
    extension === '.md' && normaliseParagraphs(input.paragraphs).some((p) => stripMarkdown(p) !== p)
      ? '.txt'
      : extension;

  await mkdir(dir, { recursive: true });
  let races = 0;
  for (let n = 1; n < 100; n++) {
    const name = `${stem}${n === 1 ? '' : `-${n}`}${ext}`;
    const file = path.join(dir, name);
    const existing = await readExisting(file);
    if (existing !== undefined) {
      if (isSameArticle(existing, bytes, input.meta.url, file)) {
        return { path: file, id: articleIdFromPath(file), existed: true };
      }
      continue;
    }
    if (await writeNew(dir, file, bytes)) return { path: file, id: articleIdFromPath(file), existed: false };
    // Lost a race with another save of the same name: look once more at what it wrote.
    if (races++ < 3) n--;
  }
  throw new AppError('INTERNAL', { detail: `no free file name for ${stem}${ext} in ${dir}` });
}

function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

/** Splits and checks a caller's file name; the name must stay a direct child of the corpus folder. */
function checkFileName(fileName: string): { stem: string; extension: string } {
  const refuse = (why: string) =>
    new AppError('FILE_OUTSIDE_CORPUS', { path: fileName, detail: `${fileName}: ${why}` });
  if (/[/\\]/.test(fileName) || fileName.includes('..') || fileName.includes('\0')) {
    throw refuse('a file name may not hold a path separator or ..');
  }
  if (fileName.trim() === '' || fileName.startsWith('.')) {
    throw refuse('a file name may not be empty or start with a dot (the loader skips hidden files)');
  }
  if (Buffer.byteLength(fileName) > 200) throw refuse('the file name is too long');
  const extension = path.extname(fileName).toLowerCase();
  if (['.md', '.markdown', '.txt'].includes(extension)) {
    return { stem: fileName.slice(0, -extension.length), extension };
  }
  return { stem: fileName, extension: '.md' };
}

async function readExisting(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (err) {
    // A dangling symbolic link still holds the name.
    const taken = await lstat(file).then(
      () => true,
      () => false,
    );
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !taken) return undefined;
    // A directory, a dangling link or an unreadable file holds the name: a different file.
    return Buffer.alloc(0);
  }
}

/** Same bytes, or (when both name a URL) the same URL: a re-fetch of a page is the article already saved. */
function isSameArticle(existing: Buffer, bytes: Buffer, url: string | undefined, file: string): boolean {
  if (existing.equals(bytes)) return true;
  if (url === undefined) return false;
  try {
    return splitFrontMatter(existing.toString('utf8'), file).frontMatter.url === url;
  } catch {
    return false;
  }
}

/**
 * Writes `bytes` to `file` through a temporary file in the same folder: write, fsync, then `link` into
 * place, which (unlike `rename`) fails when the name is taken, so a file that appeared meanwhile is never
 * replaced. Returns false when the name was taken.
 */
async function writeNew(dir: string, file: string, bytes: Buffer): Promise<boolean> {
  // Hidden and with a non-article extension, so a loader running meanwhile never reads it.
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      // File systems without hard links: rename after a last look (a narrow race, but never half a file).
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw err;
      if ((await readExisting(file)) !== undefined) return false;
      await rename(temp, file);
    }
    await syncDir(dir);
    return true;
  } catch (err) {
    if (isAppError(err)) throw err;
    throw new AppError(
      'FILE_UNREADABLE',
      { path: file, detail: `${file} could not be written: ${(err as Error).message}` },
      { cause: err },
    );
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/**
 * Deletes the article whose id (`articleIdFromPath` of its file name) is `articleId` from the corpus
 * folder `dir`, looking only at the folder's direct children, and returns the deleted file's path. Two
 * files with the same id (the loader indexes the first and reports the second) are both deleted, so the
 * id is really gone. A match that is a symbolic link resolving outside `dir` is refused with
 * `FILE_OUTSIDE_CORPUS`; no match throws `ARTICLE_NOT_FOUND`.
 *
 * @example await removeArticleFile('index-data/articles', 'harbour-bank-raises-rates-5d41402a')
 * // → 'index-data/articles/harbour-bank-raises-rates-5d41402a.md'
 */
export async function removeArticleFile(dir: string, articleId: string): Promise<string> {
  const notFound = () => new AppError('ARTICLE_NOT_FOUND', { articleId, detail: articleId });
  // Ids are what articleIdFromPath makes; anything else (a path, `..`) cannot name an article.
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(articleId)) throw notFound();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new AppError('CORPUS_MISSING', { path: dir, detail: dir }, { cause: err });
  }
  const matches = names
    .filter(
      (name) =>
        !name.startsWith('.') &&
        (ARTICLE_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase()) &&
        articleIdFromPath(name) === articleId,
    )
    .sort()
    .map((name) => path.join(dir, name));
  const root = await realpath(dir);
  const files: string[] = [];
  for (const file of matches) {
    const info = await lstat(file);
    if (info.isDirectory()) continue;
    const target = await realpath(file).catch(() => '');
    if (!target.startsWith(root + path.sep)) {
      throw new AppError('FILE_OUTSIDE_CORPUS', { path: file, detail: `${file} points outside ${dir}` });
    }
    files.push(file);
  }
  if (files.length === 0) throw notFound();
  for (const file of files) await unlink(file);
  await syncDir(dir);
  return files[0]!;
}
