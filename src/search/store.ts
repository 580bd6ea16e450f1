import type { Article, ArticleMeta, Sentence } from '../corpus/article.js';
import type { RefreshSummary } from './scan.js';

/** A question term after analysis, with the weight the answer layer gave it. */
export interface QueryTerm {
  term: string;
  weight: number;
}

/**
 * A candidate the store returns for a question: a passage that matched, with everything the ranker
 * needs to score and quote its sentences without asking the store again. Every store returns this shape.
 */
export interface Candidate {
  passageId: string;
  articleId: string;
  /** The store's own relevance score for the passage (higher is better; scales differ per store). */
  score: number;
  /** The passage's sentences, in article order. */
  sentences: Sentence[];
  /** The sentence just before the passage and just after it, for context. */
  before?: string | undefined;
  after?: string | undefined;
}

/** What the answer layer shows about an article. */
export interface ArticleSummary {
  id: string;
  meta: ArticleMeta;
  sentenceCount: number;
}

/** Corpus statistics the sentence ranker uses; counted over sentences. */
export interface CorpusStats {
  sentenceCount: number;
  avgSentenceTerms: number;
  /** Number of sentences holding `term` (an analyzed term). */
  df(term: string): number;
}

/** Options of a passage search. */
export interface SearchOptions {
  limit: number;
  /** Only passages of these articles (e.g. `/ask source:`, or one article in evaluation). */
  articleIds?: ReadonlySet<string> | undefined;
}

/**
 * The index behind the answer layer. The embedded engine (`engine.ts`) is the default; a PostgreSQL store
 * implements the same interface for scale-out.
 */
export interface SearchStore {
  searchPassages(terms: QueryTerm[], options: SearchOptions): Promise<Candidate[]>;
  /**
   * Analyzed terms of each sentence of an article (cached by the store), for the ranker. With a range,
   * only the sentences `from .. to - 1` are sure to be there: a store may leave the others out.
   */
  sentenceTerms(articleId: string, from?: number, to?: number): readonly (readonly string[])[];
  /**
   * The analyzed terms of an article's title, from the index rather than analyzed again (optional: the
   * ranker analyzes the title itself without it).
   */
  titleTerms?(articleId: string): ReadonlySet<string> | undefined;
  stats(): CorpusStats;
  listArticles(): ArticleSummary[];
  getArticle(id: string): Article | undefined;
}

/**
 * The index a running program answers from, whatever store holds it: what commands get as
 * `services.index`. `engine` answers questions; `refresh()` brings it up to date with the corpus folder
 * (concurrent calls share one run) and, for a shared store, makes the change visible to every process.
 */
export interface LiveStore {
  readonly engine: SearchStore;
  refresh(): Promise<RefreshSummary>;
}

/** Corpus statistics over a document-frequency map and sentence counts (both stores keep these). */
export function corpusStats(
  df: ReadonlyMap<string, number>,
  sentenceCount: number,
  termTotal: number,
): CorpusStats {
  return {
    sentenceCount,
    avgSentenceTerms: sentenceCount ? termTotal / sentenceCount : 0,
    df: (term) => df.get(term) ?? 0,
  };
}

/** What `listArticles` shows of an article. */
export function articleSummary(a: Article): ArticleSummary {
  return { id: a.id, meta: a.meta, sentenceCount: a.sentences.length };
}
