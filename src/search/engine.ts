import MiniSearch from 'minisearch';
import type { Article } from '../corpus/article.js';
import { analyze } from '../text/analyzer.js';
import { buildPassages, type Passage } from './chunk.js';
import { CHUNK_OPTIONS, FIELD_BOOST, INDEX_FIELDS, PASSAGE_BM25 } from './options.js';
import type {
  ArticleSummary,
  Candidate,
  CorpusStats,
  QueryTerm,
  SearchOptions,
  SearchStore,
} from './store.js';

interface PassageDoc {
  id: string;
  title: string;
  text: string;
}

/** The serialisable state of an engine, written to and read from the snapshot. */
export interface EngineState {
  articles: Article[];
  df: [string, number][];
  sentenceTermTotal: number;
  index: unknown;
}

const identity = (term: string) => term;
const splitTerms = (text: string) => text.split(' ');

/** MiniSearch options: documents go through our analyzer; queries arrive already analyzed. */
export function miniSearchOptions() {
  return {
    fields: [...INDEX_FIELDS],
    storeFields: [],
    tokenize: (text: string) => analyze(text),
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
    for (const article of state.articles) {
      engine.registerArticle(article);
    }
    return engine;
  }

  /** Serialisable state for the snapshot. */
  toState(): EngineState {
    return {
      articles: [...this.articles.values()],
      df: [...this.df],
      sentenceTermTotal: this.sentenceTermTotal,
      index: this.mini.toJSON(),
    };
  }

  /** Adds an article (replacing one with the same id). */
  add(article: Article): void {
    if (this.articles.has(article.id)) this.remove(article.id);
    const passages = this.registerArticle(article);
    this.mini.addAll(passages.map((p) => ({ id: p.id, title: article.meta.title, text: p.text })));
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
    if (terms.length === 0) return [];
    const weights = new Map(terms.map((t) => [t.term, t.weight]));
    const { articleIds } = options;
    const hits = this.mini.search(terms.map((t) => t.term).join(' '), {
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
      if (article) this.termCache.set(articleId, terms);
    }
    return terms;
  }

  stats(): CorpusStats {
    const df = this.df;
    return {
      sentenceCount: this.sentenceCount,
      avgSentenceTerms: this.sentenceCount ? this.sentenceTermTotal / this.sentenceCount : 0,
      df: (term) => df.get(term) ?? 0,
    };
  }

  listArticles(): ArticleSummary[] {
    return [...this.articles.values()].map((a) => ({
      id: a.id,
      meta: a.meta,
      sentenceCount: a.sentences.length,
    }));
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
