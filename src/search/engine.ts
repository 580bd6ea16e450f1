import type { Article, ArticleMeta, Sentence } from '../corpus/article.js';
import { analyze } from '../text/analyzer.js';
import { buildPassages } from './chunk.js';
import { CHUNK_OPTIONS } from './options.js';
import {
  type PackableArticle,
  type PackedIndex,
  packIndex,
  type SentenceTerms,
  searchPacked,
} from './packed.js';
import type { LazyArrays, SnapshotArray } from './snapshot.js';
import type {
  ArticleSummary,
  Candidate,
  CorpusStats,
  QueryTerm,
  SearchOptions,
  SearchStore,
} from './store.js';

/** The serialisable state of an engine, written to and read from the snapshot. */
export interface EngineState {
  articles: { id: string; path: string; hash: string; meta: ArticleMeta }[];
  vocabulary: string[];
  sentenceTermTotal: number;
  arrays: Record<string, SnapshotArray>;
  /** Arrays the snapshot reader left on disk (see `LAZY_ARRAYS`). */
  lazy?: LazyArrays | undefined;
}

/**
 * Per-article arrays a loaded engine reads from the snapshot file only when an article is quoted,
 * ranked or removed: the bulk of a snapshot (text and sentence terms), which a start-up would
 * otherwise spend most of its time copying into memory. Their offsets stay in memory, so reading an
 * article's slice is one read.
 */
export const LAZY_ARRAYS = ['text', 'terms'] as const;

/** Where a snapshot article's lazy arrays are: its first sentence and paragraph, its text's bytes. */
interface OnDisk {
  arrays: LazyArrays;
  /** The snapshot's in-memory per-sentence and per-paragraph arrays, shared by its articles. */
  shared: { spans: Uint32Array; termOffsets: Uint32Array; paragraphStarts: Uint32Array };
  sentence: number;
  paragraph: number;
  paragraphs: number;
  textFrom: number;
  textTo: number;
}

/** An article's sentence spans (`[paragraph, start, end]` each) and paragraph offsets, with its text. */
interface Body {
  spans: Uint32Array;
  paragraphStarts: Uint32Array;
  text: string;
}

/** An article as the engine keeps it: metadata and typed arrays; the rest read from disk when needed. */
interface ArticleRecord extends PackableArticle {
  id: string;
  path: string;
  hash: string;
  meta: ArticleMeta;
  sentenceCount: number;
  /** Sentence term ids, once read (always, for an article added in this process). */
  terms?: SentenceTerms | undefined;
  /** Kept for an article added in this process; read from `disk` for one loaded from a snapshot. */
  body?: Body | undefined;
  disk?: OnDisk | undefined;
}

/** The passage query keeps this many of the question's heaviest terms ... */
const QUERY_TERMS = 8;
/** ... and leaves out terms found in more than this share of sentences: the ranker still counts them,
 * but in an OR query they only make the index score a large share of all passages. */
const QUERY_MAX_DF_SHARE = 0.05;
/** Articles kept expanded (sentence objects made) after a question touched them. */
const EXPANDED_ARTICLES = 512;

/**
 * The embedded search store. Each sentence is analyzed once, when its article is added; its terms are
 * kept as ids into one vocabulary, with sentence document frequencies for the ranker. Passages are
 * indexed in a packed inverted index (`packed.ts`, scored as MiniSearch scores a title + text index),
 * rebuilt from the kept term ids after articles are added or removed, never by analyzing text again.
 * Articles can be added and removed one at a time, so a refresh only analyzes what changed.
 */
export class SearchEngine implements SearchStore {
  private readonly records = new Map<string, ArticleRecord>();
  private readonly vocabulary: string[] = [];
  private readonly termIds = new Map<string, number>();
  private sentenceDf: Uint32Array = new Uint32Array(1024);
  private sentenceCount = 0;
  private sentenceTermTotal = 0;
  private packed: { index: PackedIndex; slots: ArticleRecord[]; slotOf: Map<string, number> } | undefined;
  private readonly expanded = new Map<string, Article>();
  private readonly termStrings = new Map<string, string[][]>();

  private constructor() {}

  /** An empty engine. */
  static create(): SearchEngine {
    return new SearchEngine();
  }

  /** An engine holding `articles`. */
  static fromArticles(articles: Iterable<Article>): SearchEngine {
    const engine = SearchEngine.create();
    for (const article of articles) engine.add(article);
    return engine;
  }

  /** Restores an engine from snapshot state without analyzing any text. */
  static fromState(state: EngineState): SearchEngine {
    const engine = new SearchEngine();
    const a = state.arrays;
    const need = (name: string): Uint32Array => {
      const array = a[name];
      if (!(array instanceof Uint32Array)) throw new Error(`snapshot array ${name} is missing`);
      return array;
    };
    const { vocabulary } = state;
    for (let id = 0; id < vocabulary.length; id++) {
      const term = vocabulary[id] as string;
      engine.vocabulary.push(term);
      engine.termIds.set(term, id);
    }
    engine.sentenceDf = need('sentenceDf');
    engine.sentenceTermTotal = state.sentenceTermTotal;
    const arrays = state.lazy ?? inMemory(a);
    const shared = {
      spans: need('spans'),
      termOffsets: need('termOffsets'),
      paragraphStarts: need('paragraphStarts'),
    };
    const counts = need('counts');
    const titleTerms = need('titleTerms');
    const passages = need('passages');
    const textOffsets = need('textBytes');
    let sentence = 0;
    let paragraph = 0;
    let title = 0;
    let passage = 0;
    for (let i = 0; i < state.articles.length; i++) {
      const { id, path, hash, meta } = state.articles[i] as EngineState['articles'][number];
      const sentences = counts[4 * i] as number;
      const paragraphs = counts[4 * i + 1] as number;
      const titles = counts[4 * i + 2] as number;
      const passageCount = counts[4 * i + 3] as number;
      engine.records.set(id, {
        id,
        path,
        hash,
        meta,
        sentenceCount: sentences,
        titleTerms: titleTerms.subarray(title, title + titles),
        passages: passages.subarray(2 * passage, 2 * (passage + passageCount)),
        disk: {
          arrays,
          shared,
          sentence,
          paragraph,
          paragraphs,
          textFrom: textOffsets[i] as number,
          textTo: textOffsets[i + 1] as number,
        },
      });
      sentence += sentences;
      paragraph += paragraphs;
      title += titles;
      passage += passageCount;
    }
    engine.sentenceCount = sentence;
    const slots = [...engine.records.values()];
    engine.packed = {
      index: {
        passageArticle: need('index.passageArticle'),
        passageOrdinal: need('index.passageOrdinal'),
        passageLength: need('index.passageLength'),
        articlePassages: need('index.articlePassages'),
        textOffsets: need('index.textOffsets'),
        textPassages: need('index.textPassages'),
        textFreqs: a['index.textFreqs'] as Uint8Array,
        titleOffsets: need('index.titleOffsets'),
        titleArticles: need('index.titleArticles'),
        titleFreqs: a['index.titleFreqs'] as Uint16Array,
        titleLength: need('index.titleLength'),
      },
      slots,
      slotOf: new Map(slots.map((r, i) => [r.id, i])),
    };
    return engine;
  }

  /** Serialisable state for the snapshot: every array concatenated over the articles, in index order. */
  toState(): EngineState {
    const { index, slots } = this.index();
    const parts = slots.map((r) => ({ record: r, terms: this.termsOf(r), body: this.bodyBytes(r) }));
    const concat = (pick: (part: (typeof parts)[number]) => Uint32Array) => {
      const out = new Uint32Array(parts.reduce((n, part) => n + pick(part).length, 0));
      parts.reduce((at, part) => {
        out.set(pick(part), at);
        return at + pick(part).length;
      }, 0);
      return out;
    };
    const counts = new Uint32Array(4 * slots.length);
    const termOffsets = new Uint32Array(this.sentenceCount + 1);
    const textBytes = new Uint32Array(slots.length + 1);
    let sentence = 0;
    let termBase = 0;
    slots.forEach((r, i) => {
      const part = parts[i] as (typeof parts)[number];
      counts.set(
        [r.sentenceCount, part.body.paragraphStarts.length, r.titleTerms.length, r.passages.length / 2],
        4 * i,
      );
      const { termOffsets: own } = part.terms;
      for (let k = 0; k < r.sentenceCount; k++) {
        termOffsets[sentence + k] = termBase + (own[k] as number) - (own[0] as number);
      }
      sentence += r.sentenceCount;
      termBase += (own[r.sentenceCount] as number) - (own[0] as number);
      textBytes[i + 1] = (textBytes[i] as number) + part.body.text.length;
    });
    termOffsets[sentence] = termBase;
    const text = new Uint8Array(textBytes[slots.length] as number);
    parts.forEach((part, i) => {
      text.set(part.body.text, textBytes[i]);
    });
    const arrays: Record<string, SnapshotArray> = {
      counts,
      spans: concat((p) => p.body.spans),
      termOffsets,
      terms: concat(({ terms: t }) =>
        t.terms.subarray(t.termOffsets[0], t.termOffsets[t.termOffsets.length - 1]),
      ),
      paragraphStarts: concat((p) => p.body.paragraphStarts),
      titleTerms: concat((p) => p.record.titleTerms),
      passages: concat((p) => p.record.passages),
      textBytes,
      text,
      sentenceDf: this.sentenceDf.subarray(0, this.vocabulary.length),
    };
    for (const [name, array] of Object.entries(index)) arrays[`index.${name}`] = array;
    return {
      articles: slots.map(({ id, path, hash, meta }) => ({ id, path, hash, meta })),
      vocabulary: this.vocabulary,
      sentenceTermTotal: this.sentenceTermTotal,
      arrays,
    };
  }

  /** Adds an article (replacing one with the same id). */
  add(article: Article): void {
    if (this.records.has(article.id)) this.remove(article.id);
    const termOffsets = new Uint32Array(article.sentences.length + 1);
    const ids: number[] = [];
    const spans = new Uint32Array(3 * article.sentences.length);
    article.sentences.forEach((sentence, i) => {
      spans.set([sentence.paragraph, sentence.start, sentence.end], 3 * i);
      termOffsets[i] = ids.length;
      for (const term of analyze(sentence.text)) ids.push(this.termId(term));
    });
    termOffsets[article.sentences.length] = ids.length;
    const paragraphStarts = new Uint32Array(article.paragraphs.length);
    let at = 0;
    article.paragraphs.forEach((paragraph, i) => {
      paragraphStarts[i] = at;
      at += paragraph.length + 2;
    });
    const record: ArticleRecord = {
      id: article.id,
      path: article.path,
      hash: article.hash,
      meta: article.meta,
      sentenceCount: article.sentences.length,
      titleTerms: Uint32Array.from(analyze(article.meta.title), (term) => this.termId(term)),
      passages: Uint32Array.from(buildPassages(article, CHUNK_OPTIONS).flatMap((p) => [p.first, p.last])),
      terms: { termOffsets, terms: Uint32Array.from(ids) },
      body: { spans, paragraphStarts, text: article.text },
    };
    this.records.set(article.id, record);
    this.countSentences(record, 1);
    this.expanded.delete(article.id);
    this.termStrings.delete(article.id);
    this.packed = undefined;
  }

  /** Removes an article and its passages; returns whether it was there. */
  remove(articleId: string): boolean {
    const record = this.records.get(articleId);
    if (!record) return false;
    this.countSentences(record, -1);
    this.records.delete(articleId);
    this.expanded.delete(articleId);
    this.termStrings.delete(articleId);
    this.packed = undefined;
    return true;
  }

  /** Adds (`sign` 1) or takes away (-1) an article's sentences from the sentence statistics. */
  private countSentences(r: ArticleRecord, sign: 1 | -1): void {
    const { termOffsets, terms } = this.termsOf(r);
    const seen = new Set<number>();
    for (let i = 0; i < r.sentenceCount; i++) {
      seen.clear();
      const from = termOffsets[i] as number;
      const to = termOffsets[i + 1] as number;
      this.sentenceTermTotal += sign * (to - from);
      for (let k = from; k < to; k++) seen.add(terms[k] as number);
      for (const t of seen) this.sentenceDf[t] = (this.sentenceDf[t] as number) + sign;
    }
    this.sentenceCount += sign * r.sentenceCount;
  }

  /** An article's sentence term ids, read from the snapshot the first time they are needed. */
  private termsOf(r: ArticleRecord): SentenceTerms {
    if (!r.terms) {
      const disk = r.disk as OnDisk;
      const termOffsets = disk.shared.termOffsets.slice(disk.sentence, disk.sentence + r.sentenceCount + 1);
      const from = termOffsets[0] as number;
      const terms = disk.arrays.read(
        'terms',
        from,
        (termOffsets[r.sentenceCount] as number) - from,
      ) as Uint32Array;
      for (let i = 0; i < termOffsets.length; i++) termOffsets[i] = (termOffsets[i] as number) - from;
      r.terms = { termOffsets, terms };
    }
    return r.terms;
  }

  /** An article's spans, paragraph offsets and text as UTF-8 bytes (for the snapshot). */
  private bodyBytes(r: ArticleRecord): {
    spans: Uint32Array;
    paragraphStarts: Uint32Array;
    text: Uint8Array;
  } {
    if (r.body) return { ...r.body, text: Buffer.from(r.body.text, 'utf8') };
    const disk = r.disk as OnDisk;
    return {
      spans: disk.shared.spans.subarray(3 * disk.sentence, 3 * (disk.sentence + r.sentenceCount)),
      paragraphStarts: disk.shared.paragraphStarts.subarray(disk.paragraph, disk.paragraph + disk.paragraphs),
      text: disk.arrays.read('text', disk.textFrom, disk.textTo - disk.textFrom) as Uint8Array,
    };
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.vocabulary.length;
      this.vocabulary.push(term);
      this.termIds.set(term, id);
      if (id >= this.sentenceDf.length) {
        const grown = new Uint32Array(Math.max(1024, this.sentenceDf.length * 2));
        grown.set(this.sentenceDf);
        this.sentenceDf = grown;
      }
    }
    return id;
  }

  /** The packed passage index, rebuilt first when articles were added or removed since it was built. */
  private index(): NonNullable<SearchEngine['packed']> {
    if (!this.packed) {
      const slots = [...this.records.values()];
      this.packed = {
        index: packIndex(slots, this.vocabulary.length, (r) => this.termsOf(r)),
        slots,
        slotOf: new Map(slots.map((r, i) => [r.id, i])),
      };
    }
    return this.packed;
  }

  async searchPassages(terms: QueryTerm[], options: SearchOptions): Promise<Candidate[]> {
    return this.searchPassagesSync(terms, options);
  }

  /** `searchPassages` without the promise, for benchmarks and evaluation loops. */
  searchPassagesSync(terms: QueryTerm[], options: SearchOptions): Candidate[] {
    const query = this.queryTerms(terms);
    if (query.length === 0) return [];
    const { index, slots, slotOf } = this.index();
    let accept: ((slot: number) => boolean) | undefined;
    if (options.articleIds) {
      const allowed = new Set<number>();
      for (const id of options.articleIds) {
        const slot = slotOf.get(id);
        if (slot !== undefined) allowed.add(slot);
      }
      accept = (slot) => allowed.has(slot);
    }
    const ids = query.flatMap((t) => {
      const term = this.termIds.get(t.term);
      return term === undefined ? [] : [{ term, weight: t.weight }];
    });
    return searchPacked(index, ids, options.limit, accept).flatMap((hit) => {
      const record = slots[index.passageArticle[hit.passage] as number];
      return record ? [this.candidate(record, index.passageOrdinal[hit.passage] as number, hit.score)] : [];
    });
  }

  /**
   * The terms worth a passage query: the heaviest few, without those so common that they would make
   * the index score a large share of every passage (unless nothing rarer is left).
   */
  private queryTerms(terms: QueryTerm[]): QueryTerm[] {
    const heaviest = [...terms].sort((a, b) => b.weight - a.weight).slice(0, QUERY_TERMS);
    const limit = Math.max(50, this.sentenceCount * QUERY_MAX_DF_SHARE);
    const rare = heaviest.filter((t) => this.df(t.term) <= limit);
    return rare.length >= Math.min(2, heaviest.length) ? rare : heaviest;
  }

  private df(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : (this.sentenceDf[id] ?? 0);
  }

  /** Every passage of an article as a candidate with score 0 (evaluation ranks all candidate sentences). */
  allPassages(articleId: string): Candidate[] {
    const record = this.records.get(articleId);
    if (!record) return [];
    return Array.from({ length: record.passages.length / 2 }, (_, n) => this.candidate(record, n, 0));
  }

  private candidate(record: ArticleRecord, n: number, score: number): Candidate {
    const article = this.expand(record);
    const first = record.passages[2 * n] as number;
    const last = record.passages[2 * n + 1] as number;
    return {
      passageId: `${record.id}#${n}`,
      articleId: record.id,
      score,
      sentences: article.sentences.slice(first, last + 1),
      before: article.sentences[first - 1]?.text,
      after: article.sentences[last + 1]?.text,
    };
  }

  sentenceTerms(articleId: string): readonly (readonly string[])[] {
    const cached = recall(this.termStrings, articleId);
    if (cached) return cached;
    const r = this.records.get(articleId);
    if (!r) return [];
    const { termOffsets, terms } = this.termsOf(r);
    const out: string[][] = [];
    for (let i = 0; i < r.sentenceCount; i++) {
      const sentence: string[] = [];
      for (let k = termOffsets[i] as number; k < (termOffsets[i + 1] as number); k++) {
        sentence.push(this.vocabulary[terms[k] as number] as string);
      }
      out.push(sentence);
    }
    return remember(this.termStrings, articleId, out);
  }

  stats(): CorpusStats {
    const sentenceCount = this.sentenceCount;
    return {
      sentenceCount,
      avgSentenceTerms: sentenceCount ? this.sentenceTermTotal / sentenceCount : 0,
      df: (term) => this.df(term),
    };
  }

  listArticles(): ArticleSummary[] {
    return [...this.records.values()].map((r) => ({
      id: r.id,
      meta: r.meta,
      sentenceCount: r.sentenceCount,
    }));
  }

  getArticle(id: string): Article | undefined {
    const record = this.records.get(id);
    return record && this.expand(record);
  }

  /** An article with its text and sentence objects, made from the record (a few hundred are kept). */
  private expand(r: ArticleRecord): Article {
    const cached = recall(this.expanded, r.id);
    if (cached) return cached;
    const body = r.body ?? decodeBody(this.bodyBytes(r));
    const { text, spans } = body;
    const paragraphs = Array.from(body.paragraphStarts, (start, i) => {
      const next = body.paragraphStarts[i + 1];
      return text.slice(start, next === undefined ? text.length : next - 2);
    });
    const sentences: Sentence[] = [];
    for (let i = 0; i < r.sentenceCount; i++) {
      const start = spans[3 * i + 1] as number;
      const end = spans[3 * i + 2] as number;
      sentences.push({
        articleId: r.id,
        index: i,
        paragraph: spans[3 * i] as number,
        start,
        end,
        text: text.slice(start, end),
      });
    }
    return remember(this.expanded, r.id, {
      id: r.id,
      path: r.path,
      hash: r.hash,
      meta: r.meta,
      paragraphs,
      text,
      sentences,
    });
  }

  /** Content hash of each indexed article, by id: what an incremental refresh compares against. */
  articleHashes(): Map<string, string> {
    return new Map([...this.records.values()].map((r) => [r.id, r.hash]));
  }

  get size(): { articles: number; passages: number; sentences: number } {
    let passages = 0;
    for (const r of this.records.values()) passages += r.passages.length / 2;
    return { articles: this.records.size, passages, sentences: this.sentenceCount };
  }
}

function decodeBody(bytes: { spans: Uint32Array; paragraphStarts: Uint32Array; text: Uint8Array }): Body {
  const { text } = bytes;
  return { ...bytes, text: Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8') };
}

/** Arrays already in memory, read through the same interface as a snapshot file's lazy arrays. */
function inMemory(arrays: Record<string, SnapshotArray>): LazyArrays {
  return {
    has: (name) => name in arrays,
    read(name, from, count) {
      const array = arrays[name];
      if (!array) throw new Error(`snapshot array ${name} is missing`);
      return array.slice(from, from + count);
    },
  };
}

/** A cached value, marked as the most recently used. */
function recall<V>(cache: Map<string, V>, key: string): V | undefined {
  const value = cache.get(key);
  if (value !== undefined) {
    cache.delete(key);
    cache.set(key, value);
  }
  return value;
}

/** Caches a value, dropping the least recently used one past `EXPANDED_ARTICLES`. */
function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  cache.set(key, value);
  if (cache.size > EXPANDED_ARTICLES) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return value;
}
