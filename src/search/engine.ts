import type { Article, ArticleMeta, Sentence } from '../corpus/article.js';
import { analyze } from '../text/analyzer.js';
import { buildPassages } from './chunk.js';
import { CHUNK_OPTIONS } from './options.js';
import { type PackableArticle, type PackedIndex, packIndex, searchPacked } from './packed.js';
import type { SnapshotArray } from './snapshot.js';
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
}

/** Columns of sentence data shared by the articles of one snapshot (or owned by one added article). */
interface Columns {
  /** `[paragraph, start, end]` of each sentence. */
  spans: Uint32Array;
  /** Where each sentence's term ids start in `terms` (one more entry than sentences). */
  termOffsets: Uint32Array;
  terms: Uint32Array;
}

/** An article as the engine keeps it: metadata, then numbers in typed arrays; text decoded on demand. */
interface ArticleRecord extends PackableArticle {
  id: string;
  path: string;
  hash: string;
  meta: ArticleMeta;
  cols: Columns;
  /** Its first sentence in `cols`, and how many it has. */
  s0: number;
  sentenceCount: number;
  /** Character offset of each paragraph in the text. */
  paragraphStarts: Uint32Array;
  text?: string | undefined;
  /** Where the text's UTF-8 bytes are, for an article loaded from a snapshot and not yet read. */
  textBytes?: Uint8Array | undefined;
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
    state.vocabulary.forEach((term, id) => {
      engine.vocabulary.push(term);
      engine.termIds.set(term, id);
    });
    engine.sentenceDf = need('sentenceDf');
    engine.sentenceTermTotal = state.sentenceTermTotal;
    const cols: Columns = { spans: need('spans'), termOffsets: need('termOffsets'), terms: need('terms') };
    const counts = need('counts');
    const paragraphStarts = need('paragraphStarts');
    const titleTerms = need('titleTerms');
    const passages = need('passages');
    const textOffsets = need('textBytes');
    const text = a.text instanceof Uint8Array ? a.text : new Uint8Array(0);
    let s0 = 0;
    let p0 = 0;
    let t0 = 0;
    let q0 = 0;
    state.articles.forEach((meta, i) => {
      const [sentences, paragraphs, titles, passageCount] = [0, 1, 2, 3].map(
        (k) => counts[4 * i + k] ?? 0,
      ) as [number, number, number, number];
      engine.records.set(meta.id, {
        ...meta,
        cols,
        s0,
        sentenceCount: sentences,
        paragraphStarts: paragraphStarts.subarray(q0, q0 + paragraphs),
        titleTerms: titleTerms.subarray(t0, t0 + titles),
        passages: passages.subarray(2 * p0, 2 * (p0 + passageCount)),
        textBytes: text.subarray(textOffsets[i] ?? 0, textOffsets[i + 1] ?? 0),
      });
      s0 += sentences;
      q0 += paragraphs;
      t0 += titles;
      p0 += passageCount;
    });
    engine.sentenceCount = s0;
    const slots = [...engine.records.values()];
    engine.packed = {
      index: {
        passageArticle: need('index.passageArticle'),
        passageOrdinal: need('index.passageOrdinal'),
        passageLength: need('index.passageLength'),
        articlePassages: need('index.articlePassages'),
        textOffsets: need('index.textOffsets'),
        textPassages: need('index.textPassages'),
        textFreqs: a['index.textFreqs'] as Uint16Array,
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
    const sentences = slots.reduce((n, r) => n + r.sentenceCount, 0);
    const spans = new Uint32Array(3 * sentences);
    const termOffsets = new Uint32Array(sentences + 1);
    const terms = new Uint32Array(this.sentenceTermTotal);
    const counts = new Uint32Array(4 * slots.length);
    const paragraphStarts = new Uint32Array(slots.reduce((n, r) => n + r.paragraphStarts.length, 0));
    const titleTerms = new Uint32Array(slots.reduce((n, r) => n + r.titleTerms.length, 0));
    const passages = new Uint32Array(slots.reduce((n, r) => n + r.passages.length, 0));
    const textBytes = new Uint32Array(slots.length + 1);
    const texts: Uint8Array[] = [];
    let s = 0;
    let t = 0;
    let q = 0;
    let tt = 0;
    let p = 0;
    let bytes = 0;
    slots.forEach((r, i) => {
      counts.set(
        [r.sentenceCount, r.paragraphStarts.length, r.titleTerms.length, r.passages.length / 2],
        4 * i,
      );
      spans.set(r.cols.spans.subarray(3 * r.s0, 3 * (r.s0 + r.sentenceCount)), 3 * s);
      const from = r.cols.termOffsets[r.s0] as number;
      const to = r.cols.termOffsets[r.s0 + r.sentenceCount] as number;
      for (let k = 0; k < r.sentenceCount; k++) {
        termOffsets[s + k] = t + (r.cols.termOffsets[r.s0 + k] as number) - from;
      }
      terms.set(r.cols.terms.subarray(from, to), t);
      s += r.sentenceCount;
      t += to - from;
      paragraphStarts.set(r.paragraphStarts, q);
      q += r.paragraphStarts.length;
      titleTerms.set(r.titleTerms, tt);
      tt += r.titleTerms.length;
      passages.set(r.passages, p);
      p += r.passages.length;
      const text = r.textBytes ?? Buffer.from(r.text ?? '', 'utf8');
      texts.push(text);
      bytes += text.length;
      textBytes[i + 1] = bytes;
    });
    termOffsets[s] = t;
    const text = new Uint8Array(bytes);
    texts.reduce((at, chunk) => {
      text.set(chunk, at);
      return at + chunk.length;
    }, 0);
    const arrays: Record<string, SnapshotArray> = {
      counts,
      spans,
      termOffsets,
      terms,
      paragraphStarts,
      titleTerms,
      passages,
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
    const terms = Uint32Array.from(ids);
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
      cols: { spans, termOffsets, terms },
      s0: 0,
      sentenceCount: article.sentences.length,
      paragraphStarts,
      titleTerms: Uint32Array.from(analyze(article.meta.title), (term) => this.termId(term)),
      passages: Uint32Array.from(buildPassages(article, CHUNK_OPTIONS).flatMap((p) => [p.first, p.last])),
      text: article.text,
    };
    this.records.set(article.id, record);
    this.countSentences(record, 1);
    this.packed = undefined;
  }

  /** Removes an article and its passages; returns whether it was there. */
  remove(articleId: string): boolean {
    const record = this.records.get(articleId);
    if (!record) return false;
    this.countSentences(record, -1);
    this.records.delete(articleId);
    this.expanded.delete(articleId);
    this.packed = undefined;
    return true;
  }

  /** Adds (`sign` 1) or takes away (-1) an article's sentences from the sentence statistics. */
  private countSentences(r: ArticleRecord, sign: 1 | -1): void {
    const { termOffsets, terms } = r.cols;
    const seen = new Set<number>();
    for (let i = r.s0; i < r.s0 + r.sentenceCount; i++) {
      seen.clear();
      const from = termOffsets[i] as number;
      const to = termOffsets[i + 1] as number;
      this.sentenceTermTotal += sign * (to - from);
      for (let k = from; k < to; k++) seen.add(terms[k] as number);
      for (const t of seen) this.sentenceDf[t] = (this.sentenceDf[t] as number) + sign;
    }
    this.sentenceCount += sign * r.sentenceCount;
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
        index: packIndex(slots, this.vocabulary.length),
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
    const r = this.records.get(articleId);
    if (!r) return [];
    const { termOffsets, terms } = r.cols;
    const out: string[][] = [];
    for (let i = r.s0; i < r.s0 + r.sentenceCount; i++) {
      const sentence: string[] = [];
      for (let k = termOffsets[i] as number; k < (termOffsets[i + 1] as number); k++) {
        sentence.push(this.vocabulary[terms[k] as number] as string);
      }
      out.push(sentence);
    }
    return out;
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
    const cached = this.expanded.get(r.id);
    if (cached) {
      this.expanded.delete(r.id);
      this.expanded.set(r.id, cached);
      return cached;
    }
    if (r.text === undefined) {
      const bytes = r.textBytes ?? new Uint8Array(0);
      r.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      r.textBytes = undefined;
    }
    const text = r.text;
    const paragraphs = Array.from(r.paragraphStarts, (start, i) => {
      const next = r.paragraphStarts[i + 1];
      return text.slice(start, next === undefined ? text.length : next - 2);
    });
    const sentences: Sentence[] = [];
    const { spans } = r.cols;
    for (let i = 0; i < r.sentenceCount; i++) {
      const at = 3 * (r.s0 + i);
      const start = spans[at + 1] as number;
      const end = spans[at + 2] as number;
      sentences.push({
        articleId: r.id,
        index: i,
        paragraph: spans[at] as number,
        start,
        end,
        text: text.slice(start, end),
      });
    }
    const article: Article = {
      id: r.id,
      path: r.path,
      hash: r.hash,
      meta: r.meta,
      paragraphs,
      text,
      sentences,
    };
    this.expanded.set(r.id, article);
    if (this.expanded.size > EXPANDED_ARTICLES) {
      const oldest = this.expanded.keys().next().value;
      if (oldest !== undefined) this.expanded.delete(oldest);
    }
    return article;
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
