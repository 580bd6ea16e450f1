import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse/sync';
import type { Article, Sentence } from '../src/corpus/article.js';
import { decodeText, hashBytes, parseArticle } from '../src/corpus/load.js';
import { splitArticleSentences, splitSentences } from '../src/text/sentences.js';
import { pick, randomInt, seededRandom } from './random.js';

/** A corpus the bench indexes: its name and its cleaned, split articles. */
export interface Corpus {
  name: string;
  articles: Article[];
  /** Seconds spent making it this run (0 when read from the cache), and where it came from. */
  seconds: number;
  origin: string;
}

export const BBC_TOPICS = ['business', 'entertainment', 'politics', 'sport', 'tech'] as const;

/** Throws a clear message when the shared evaluation data is not where the bench looks. */
export function requireEvalFile(file: string): string {
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing: the bench reads real text from ../shared/eval/ (see its README); pass --eval <dir>`,
    );
  }
  return file;
}

/**
 * The BBC News articles as they are, read through the same parser the bot uses (decode, clean, split).
 * Ids carry the topic (`bbc-sport-199`): file names repeat across topic folders.
 */
export async function loadBbc(evalDir: string): Promise<Corpus> {
  const started = performance.now();
  const root = requireEvalFile(path.join(evalDir, 'news', 'bbc'));
  const articles: Article[] = [];
  for (const topic of BBC_TOPICS) {
    const dir = path.join(root, topic);
    for (const name of (await readdir(dir)).filter((n) => n.endsWith('.txt')).sort()) {
      const file = path.join(dir, name);
      const bytes = await readFile(file);
      const id = `bbc-${topic}-${path.basename(name, '.txt')}`;
      articles.push(
        parseArticle(decodeText(bytes, file), { id, path: file, hash: hashBytes(bytes), html: false }),
      );
    }
  }
  return { name: 'bbc', articles, seconds: (performance.now() - started) / 1000, origin: root };
}

/** AG News test split: titles and the sentences of their descriptions, entity debris of the crawl undone. */
export async function loadAgNews(evalDir: string): Promise<{ titles: string[]; sentences: string[] }> {
  const file = requireEvalFile(path.join(evalDir, 'news', 'ag_news_test', 'test.csv'));
  const rows = parse(await readFile(file, 'utf8'), { relax_quotes: true }) as string[][];
  const titles: string[] = [];
  const sentences: string[] = [];
  for (const [, title, description] of rows) {
    if (title) titles.push(cleanAg(title));
    for (const s of splitSentences(cleanAg(description ?? '')))
      if (s.text.length >= 20) sentences.push(s.text);
  }
  return { titles, sentences };
}

function cleanAg(text: string): string {
  return text
    .replace(/\s?#36;/g, '$')
    .replace(/\s?#39;/g, "'")
    .replace(/\s?#38;/g, '&')
    .replace(/&lt;.*?&gt;/g, ' ')
    .replace(/\bquot;/g, '"')
    .replace(/\\/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Version of the synthetic corpus recipe; bump it when the recipe changes so caches rebuild. */
const RECIPE = 'recipe-1';

/**
 * `count` article-sized texts made by recombining real BBC and AG News sentences: a real headline, then
 * 4-20 paragraphs of 1-3 real sentences each, drawn with a fixed seed. Split by the project's splitter.
 * Cached under `cacheDir` (keyed by count, seed, recipe and the splitter's source), so a second run reads
 * the file instead of regenerating.
 */
export async function loadSynthetic(
  count: number,
  seed: number,
  bbc: Article[],
  evalDir: string,
  cacheDir: string,
): Promise<Corpus> {
  const started = performance.now();
  const splitter = await readFile(new URL('../src/text/sentences.ts', import.meta.url), 'utf8').catch(
    () => '',
  );
  const key = createHash('sha256').update(`${RECIPE} ${splitter}`).digest('hex').slice(0, 10);
  const file = path.join(cacheDir, `synthetic-${count}-seed${seed}-${key}.jsonl`);
  const name = `synthetic-${count >= 1000 ? `${count / 1000}k` : count}`;
  if (existsSync(file)) {
    const articles = await readArticleLines(file);
    return { name, articles, seconds: (performance.now() - started) / 1000, origin: `cache ${file}` };
  }
  const ag = await loadAgNews(evalDir);
  const titles = [...bbc.map((a) => a.meta.title), ...ag.titles];
  const pool = [
    ...bbc.flatMap((a) => a.sentences.filter((s) => s.paragraph > 1).map((s) => s.text)),
    ...ag.sentences,
  ];
  const random = seededRandom(seed);
  await mkdir(cacheDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const out = createWriteStream(temp);
  const articles: Article[] = [];
  for (let i = 0; i < count; i++) {
    const id = `syn-${String(i).padStart(6, '0')}`;
    const paragraphs = [pick(random, titles)];
    const n = randomInt(random, 4, 20);
    for (let p = 0; p < n; p++) {
      const k = randomInt(random, 1, 3);
      paragraphs.push(Array.from({ length: k }, () => pick(random, pool)).join(' '));
    }
    const article = articleOf(id, paragraphs);
    articles.push(article);
    if (!out.write(`${JSON.stringify(toLine(article))}\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  await rename(temp, file);
  return {
    name,
    articles,
    seconds: (performance.now() - started) / 1000,
    origin: `generated, cached at ${file}`,
  };
}

/** An article from paragraphs (the first is the headline), split by the project's splitter. */
export function articleOf(id: string, paragraphs: string[]): Article {
  const { text, sentences } = splitArticleSentences(id, paragraphs);
  const hash = createHash('sha256').update(text).digest('hex');
  return {
    id,
    path: `${id}.txt`,
    meta: { title: paragraphs[0] ?? id, source: 'bench' },
    paragraphs,
    text,
    sentences,
    hash,
  };
}

interface Line {
  id: string;
  hash: string;
  paragraphs: string[];
  /** Sentences as [paragraph, start, end]: their text is a slice of the joined paragraphs. */
  s: [number, number, number][];
}

const toLine = (a: Article): Line => ({
  id: a.id,
  hash: a.hash,
  paragraphs: a.paragraphs,
  s: a.sentences.map((s) => [s.paragraph, s.start, s.end]),
});

async function readArticleLines(file: string): Promise<Article[]> {
  const articles: Article[] = [];
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const raw of lines) {
    if (!raw) continue;
    const line = JSON.parse(raw) as Line;
    const text = line.paragraphs.join('\n\n');
    const sentences: Sentence[] = line.s.map(([paragraph, start, end], index) => ({
      articleId: line.id,
      index,
      paragraph,
      start,
      end,
      text: text.slice(start, end),
    }));
    articles.push({
      id: line.id,
      path: `${line.id}.txt`,
      meta: { title: line.paragraphs[0] ?? line.id, source: 'bench' },
      paragraphs: line.paragraphs,
      text,
      sentences,
      hash: line.hash,
    });
  }
  return articles;
}
