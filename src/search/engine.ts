import MiniSearch from 'minisearch';
import type { Article, Sentence } from '../corpus/article.js';
import { analyze } from '../text/analyzer.js';
import { buildPassages, type Passage } from './chunk.js';
import { CHUNK_OPTIONS, FIELD_BOOST, INDEX_FIELDS, PASSAGE_BM25 } from './options.js';
import {
  type ArticleSummary,
  articleSummary,
  type Candidate,
  type CorpusStats,
  corpusStats,
  type QueryTerm,
  type SearchOptions,
  type SearchStore,
} from './store.js';

interface PassageDoc {
  id: string;
  title: string;
  text: string;
}

/**
 * An article as the snapshot keeps it: its paragraphs and each sentence's paragraph and offsets, flat.
 * The joined text and the sentence strings are rebuilt on load rather than stored three times over.
 */
export interface StoredArticle {
  id: string;
  path: string;
  hash: string;
  meta: Article['meta'];
  paragraphs: string[];
  /** [paragraph, start, end] for each sentence, in order. */
  spans: number[];
}

/** The serialisable state of an engine, written to and read from the snapshot. */
export interface EngineState {
  articles: StoredArticle[];
  df: [string, number][];
  sentenceTermTotal: number;
  index: unknown;
}

/** Sentences' analyzed terms kept for this many articles; older ones are analyzed again on demand. */
const TERM_CACHE_ARTICLES = 20_000;
/** The passage query keeps this many of the question's heaviest terms ... */
const QUERY_TERMS = 8;
/** ... and leaves out terms found in more than this share of sentences: the ranker still counts them,
 * but in an OR query they only make the index score a large share of all passages. */
const QUERY_MAX_DF_SHARE = 0.05;

const identity = (term: string) => term;
const splitTerms = (text: string) => text.split(' ');

/**
 * MiniSearch options. Text reaches MiniSearch already analyzed (terms joined by spaces): each sentence is
 * analyzed once, for the index and the sentence statistics alike, and questions arrive analyzed too.
 */
export function miniSearchOptions() {
  return {
    fields: [...INDEX_FIELDS],
    storeFields: [],
    tokenize: splitTerms,
    processTerm: identity,
    searchOptions: {
      tokenize: splitTerms,
      processTerm: identity,
      boost: { ...FIELD_BOOST },
      bm25: { ...PASSAGE_BM25 },
    },
    autoVacuum: { minDirtCount: 50, minDirtFactor: 0.2, batchSize: 1000, batchWait: 5 },
  };
}

/**
 * The embedded search store: articles split into passages, indexed with MiniSearch, plus sentence
 * statistics (document frequency over sentences) for the ranker. Articles can be added and removed one
 * at a time, so a refresh only touches what changed.
 */
export class SearchEngine implements SearchStore {
  private readonly mini: MiniSearch<PassageDoc>;
  private readonly articles = new Map<string, Article>();
  private readonly passages = new Map<string, Passage>();
  private readonly passagesByArticle = new Map<string, string[]>();
  private readonly df = new Map<string, number>();
  private readonly termCache = new Map<string, string[][]>();
  private sentenceCount = 0;
  private sentenceTermTotal = 0;

  private constructor(mini: MiniSearch<PassageDoc>) {
    this.mini = mini;
  }

  /** An empty engine. */
  static create(): SearchEngine {
    return new SearchEngine(new MiniSearch<PassageDoc>(miniSearchOptions()));
  }

  /** An engine holding `articles`. */
  static fromArticles(articles: Iterable<Article>): SearchEngine {
    const engine = SearchEngine.create();
    for (const article of articles) engine.add(article);
    return engine;
  }

  /** Restores an engine from snapshot state without re-indexing the text. */
  static fromState(state: EngineState): SearchEngine {
    const mini = MiniSearch.loadJS<PassageDoc>(
      state.index as Parameters<typeof MiniSearch.loadJS>[0],
      miniSearchOptions(),
    );
    const engine = new SearchEngine(mini);
    for (const [term, count] of state.df) engine.df.set(term, count);
    engine.sentenceTermTotal = state.sentenceTermTotal;
    for (const stored of state.articles) {
      engine.registerArticle(expandArticle(stored));
    }
    return engine;
  }

  /** Serialisable state for the snapshot. */
  toState(): EngineState {
    return {
      articles: [...this.articles.values()].map(compactArticle),
      df: [...this.df],
      sentenceTermTotal: this.sentenceTermTotal,
      index: this.mini.toJSON(),
    };
  }

  /** Adds an article (replacing one with the same id). */
  add(article: Article): void {
    if (this.articles.has(article.id)) this.remove(article.id);
    const passages = this.registerArticle(article);
    const terms = this.sentenceTerms(article.id);
    const title = analyze(article.meta.title).join(' ');
    this.mini.addAll(
      passages.map((p) => ({
        id: p.id,
        title,
        text: terms
          .slice(p.first, p.last + 1)
          .flat()
          .join(' '),
      })),
    );
    for (const terms of this.sentenceTerms(article.id)) {
      this.sentenceTermTotal += terms.length;
      for (const term of new Set(terms)) this.df.set(term, (this.df.get(term) ?? 0) + 1);
    }
  }

  /** Removes an article and its passages; returns whether it was there. */
  remove(articleId: string): boolean {
    const article = this.articles.get(articleId);
    if (!article) return false;
    for (const terms of this.sentenceTerms(articleId)) {
      this.sentenceTermTotal -= terms.length;
      for (const term of new Set(terms)) {
        const n = (this.df.get(term) ?? 0) - 1;
        if (n > 0) this.df.set(term, n);
        else this.df.delete(term);
      }
    }
    for (const id of this.passagesByArticle.get(articleId) ?? []) {
      this.mini.discard(id);
      this.passages.delete(id);
    }
    this.passagesByArticle.delete(articleId);
    this.termCache.delete(articleId);
    this.articles.delete(articleId);
    this.sentenceCount -= article.sentences.length;
    return true;
  }

  private registerArticle(article: Article): Passage[] {
    const passages = buildPassages(article, CHUNK_OPTIONS);
    this.articles.set(article.id, article);
    this.passagesByArticle.set(
      article.id,
      passages.map((p) => p.id),
    );
    for (const p of passages) this.passages.set(p.id, p);
    this.sentenceCount += article.sentences.length;
    return passages;
  }

  async searchPassages(terms: QueryTerm[], options: SearchOptions): Promise<Candidate[]> {
    return this.searchPassagesSync(terms, options);
  }

  /** `searchPassages` without the promise, for benchmarks and evaluation loops. */
  searchPassagesSync(terms: QueryTerm[], options: SearchOptions): Candidate[] {
    const query = this.queryTerms(terms);
    if (query.length === 0) return [];
    const weights = new Map(query.map((t) => [t.term, t.weight]));
    const { articleIds } = options;
    const hits = this.mini.search(query.map((t) => t.term).join(' '), {
      combineWith: 'OR',
      boostTerm: (term) => weights.get(term) ?? 1,
      ...(articleIds
        ? { filter: (r) => articleIds.has(this.passages.get(r.id as string)?.articleId ?? '') }
        : {}),
    });
    const out: Candidate[] = [];
    for (const hit of hits) {
      if (out.length >= options.limit) break;
      const candidate = this.candidate(hit.id as string, hit.score);
      if (candidate) out.push(candidate);
    }
    return out;
  }

  /**
   * The terms worth a passage query: the heaviest few, without those so common that they would make
   * the index score a large share of every passage (unless nothing rarer is left).
   */
  private queryTerms(terms: QueryTerm[]): QueryTerm[] {
    const heaviest = [...terms].sort((a, b) => b.weight - a.weight).slice(0, QUERY_TERMS);
    const limit = Math.max(50, this.sentenceCount * QUERY_MAX_DF_SHARE);
    const rare = heaviest.filter((t) => (this.df.get(t.term) ?? 0) <= limit);
    return rare.length >= Math.min(2, heaviest.length) ? rare : heaviest;
  }

  /** Every passage of an article as a candidate with score 0 (evaluation ranks all candidate sentences). */
  allPassages(articleId: string): Candidate[] {
    return (this.passagesByArticle.get(articleId) ?? []).flatMap((id) => this.candidate(id, 0) ?? []);
  }

  private candidate(passageId: string, score: number): Candidate | undefined {
    const passage = this.passages.get(passageId);
    const article = passage && this.articles.get(passage.articleId);
    if (!passage || !article) return undefined;
    return {
      passageId,
      articleId: article.id,
      score,
      sentences: article.sentences.slice(passage.first, passage.last + 1),
      before: article.sentences[passage.first - 1]?.text,
      after: article.sentences[passage.last + 1]?.text,
    };
  }

  sentenceTerms(articleId: string): readonly (readonly string[])[] {
    let terms = this.termCache.get(articleId);
    if (!terms) {
      const article = this.articles.get(articleId);
      terms = article ? article.sentences.map((s) => analyze(s.text)) : [];
      if (article) {
        this.termCache.set(articleId, terms);
        if (this.termCache.size > TERM_CACHE_ARTICLES) {
          const oldest = this.termCache.keys().next().value;
          if (oldest !== undefined) this.termCache.delete(oldest);
        }
      }
    } else {
      // Most recently used last, so the oldest entry is the one evicted.
      this.termCache.delete(articleId);
      this.termCache.set(articleId, terms);
    }
    return terms;
  }

  stats(): CorpusStats {
    return corpusStats(this.df, this.sentenceCount, this.sentenceTermTotal);
  }

  listArticles(): ArticleSummary[] {
    return [...this.articles.values()].map(articleSummary);
  }

  getArticle(id: string): Article | undefined {
    return this.articles.get(id);
  }

  /** Content hash of each indexed article, by id: what an incremental refresh compares against. */
  articleHashes(): Map<string, string> {
    return new Map([...this.articles.values()].map((a) => [a.id, a.hash]));
  }

  get size(): { articles: number; passages: number; sentences: number } {
    return { articles: this.articles.size, passages: this.passages.size, sentences: this.sentenceCount };
  }
}

/** An article in the snapshot's compact form. */
export function compactArticle(a: Article): StoredArticle {
  const spans: number[] = [];
  for (const s of a.sentences) spans.push(s.paragraph, s.start, s.end);
  return { id: a.id, path: a.path, hash: a.hash, meta: a.meta, paragraphs: a.paragraphs, spans };
}

/** An article rebuilt from the snapshot's compact form: the same text, sentences and offsets. */
export function expandArticle(stored: StoredArticle): Article {
  const text = stored.paragraphs.join('\n\n');
  const sentences: Sentence[] = [];
  const { spans } = stored;
  for (let i = 0; i + 2 < spans.length; i += 3) {
    const start = spans[i + 1] ?? 0;
    const end = spans[i + 2] ?? 0;
    sentences.push({
      articleId: stored.id,
      index: sentences.length,
      paragraph: spans[i] ?? 1,
      start,
      end,
      text: text.slice(start, end),
    });
  }
  return {
    id: stored.id,
    path: stored.path,
    hash: stored.hash,
    meta: stored.meta,
    paragraphs: stored.paragraphs,
    text,
    sentences,
  };
}
