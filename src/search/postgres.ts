import pg from 'pg';
import type { Article, Sentence } from '../corpus/article.js';
import type { Logger } from '../log.js';
import { analyze } from '../text/analyzer.js';
import { buildPassages } from './chunk.js';
import { CHUNK_OPTIONS, FIELD_BOOST, indexOptionsHash } from './options.js';
import { runMigrations } from './pg-migrate.js';
import { SEARCH_MIGRATIONS } from './pg-schema.js';
import { anyTermQuery, passageVector, quoteLexeme } from './pg-text.js';
import { passageQueryTerms } from './query-terms.js';
import {
  type CorpusChanges,
  elapsed,
  type KnownArticle,
  type RefreshSummary,
  refreshRuns,
  scanCorpus,
} from './scan.js';
import {
  type ArticleSummary,
  articleSummary,
  type Candidate,
  type CorpusStats,
  corpusStats,
  type LiveStore,
  type QueryTerm,
  type SearchOptions,
  type SearchStore,
} from './store.js';

/** The channel a committed refresh notifies, with the new corpus version as payload. */
export const CORPUS_CHANNEL = 'newsdesk_corpus';
/** Key of the advisory lock that serialises refreshes across processes. */
const REFRESH_LOCK = '7461203918224002';
/** Articles whose sentence terms stay cached (least recently used go first). */
const TERM_CACHE_ARTICLES = 2_000;
/** Rows per INSERT statement of a refresh. */
const BATCH_ROWS = 2_000;
/**
 * ts_rank_cd weights, in PostgreSQL's order {D, C, B, A}: passage text is D, the title A, in the same
 * ratio as MiniSearch's field boost.
 */
const RANK_WEIGHTS = `{${[FIELD_BOOST.text / FIELD_BOOST.title, 0, 0, 1].join(',')}}`;

/**
 * One question, one statement: the GIN index finds the passages holding any term (`$1`, an OR tsquery);
 * each is scored as the sum over the question's terms of weight × ts_rank_cd(passage, term), length-
 * normalised (flag 1), so IDF weights from the answer layer count as they do in MiniSearch's boostTerm.
 * The article's hash and the corpus version come from the same snapshot as the passages.
 */
const SEARCH_SQL = `
  WITH terms AS (
    SELECT t.lexeme::tsquery AS query, t.weight
    FROM unnest($2::text[], $3::float8[]) AS t (lexeme, weight)
  )
  SELECT p.id, p.article_id, p.first_sentence, p.last_sentence, a.hash,
    (SELECT coalesce(sum(t.weight * ts_rank_cd('${RANK_WEIGHTS}'::float4[], p.tsv, t.query, 1)), 0)
       FROM terms t)::float8 AS score,
    (SELECT version FROM corpus_state)::text AS version
  FROM passages p
  JOIN articles a ON a.id = p.article_id
  WHERE p.tsv @@ $1::tsquery
    AND ($5::text[] IS NULL OR p.article_id = ANY ($5::text[]))
  ORDER BY score DESC, p.id
  LIMIT $4`;

const ARTICLES_SQL = `
  SELECT a.id, a.path, a.hash, a.title, a.source, a.url, a.published, a.author, a.paragraphs, a.body,
    coalesce((SELECT json_agg(json_build_array(s.position, s.paragraph, s.start_offset, s.end_offset, s.text)
                ORDER BY s.position)
              FROM sentences s WHERE s.article_id = a.id), '[]') AS sentences
  FROM articles a
  WHERE a.id = ANY ($1::text[])`;

const DISTINCT_TERMS = `
  SELECT term, count(*)::int AS n
  FROM sentences s CROSS JOIN LATERAL (SELECT DISTINCT unnest(s.terms) AS term) t
  WHERE s.article_id = ANY ($1::text[])
  GROUP BY term`;

interface ArticleRow {
  id: string;
  path: string;
  hash: string;
  title: string;
  source: string;
  url: string | null;
  published: string | null;
  author: string | null;
  paragraphs: string[];
  body: string;
  sentences: [number, number, number, number, string][];
}

interface StateRow {
  version: string;
  options_hash: string;
  article_count: number;
  passage_count: number;
  sentence_count: number;
  sentence_term_total: string;
}

export interface PostgresStoreOptions {
  /** postgres:// URL; a pool is created for it (and ended by `close()`). */
  url?: string | undefined;
  /** A pool to use instead (the caller ends it). */
  pool?: pg.Pool | undefined;
  log?: Logger | undefined;
  /** LISTEN for other processes' refreshes (default true). */
  listen?: boolean | undefined;
}

/**
 * The PostgreSQL search store: the shared index of every process. PostgreSQL holds articles, sentences
 * (with the analyzer's terms) and passages (a tsvector built from the same terms, under a GIN index);
 * a question is one query ranked with ts_rank_cd, and comes back in the `Candidate` shape the ranker
 * shares with the embedded store. What the interface needs synchronously is kept in memory and reloaded when the
 * corpus version changes (this process refreshed, another one NOTIFYed, or a search saw a newer version):
 * the sentence statistics (counts, df map), the articles (metadata, text, sentences: what `getArticle`
 * and `listArticles` return) and, per article, the sentence terms (an LRU cache filled by searches).
 */
export class PostgresStore implements SearchStore {
  readonly pool: pg.Pool;
  private readonly ownPool: boolean;
  private readonly log: Logger | undefined;
  private articles = new Map<string, Article>();
  private df = new Map<string, number>();
  private readonly termCache = new Map<string, string[][]>();
  private corpusVersion = -1;
  private optionsHash = '';
  private counts = { articles: 0, passages: 0, sentences: 0, termTotal: 0 };
  private loading: Promise<void> | undefined;
  private loadAgain = false;
  private listener: pg.Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(pool: pg.Pool, ownPool: boolean, log: Logger | undefined) {
    this.pool = pool;
    this.ownPool = ownPool;
    this.log = log;
  }

  /** See `openPostgresStore`. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    if (!options.pool && !options.url) throw new Error('openPostgresStore needs a url or a pool');
    const pool = options.pool ?? new pg.Pool({ connectionString: options.url, max: 10 });
    if (!options.pool) {
      // An idle client losing its connection must not crash the process; the next query reconnects.
      pool.on('error', (err) => options.log?.warn({ err }, 'idle database connection lost'));
    }
    const store = new PostgresStore(pool, !options.pool, options.log);
    try {
      await runMigrations(pool, 'search', SEARCH_MIGRATIONS, options.log);
      await store.sync();
      if (options.listen !== false) await store.listen();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  /** The corpus version this process has loaded (grows by one per committed refresh). */
  get version(): number {
    return this.corpusVersion;
  }

  get size(): { articles: number; passages: number; sentences: number } {
    return { articles: this.articles.size, passages: this.counts.passages, sentences: this.counts.sentences };
  }

  /** Whether the rows were built with other index options or another analyzer (a refresh rebuilds). */
  get stale(): boolean {
    return this.articles.size > 0 && this.optionsHash !== indexOptionsHash();
  }

  async searchPassages(terms: QueryTerm[], options: SearchOptions): Promise<Candidate[]> {
    const weights = new Map<string, number>();
    // The same terms as the embedded store queries: an OR of a common term makes ts_rank_cd rank a
    // large share of all passages.
    const picked = passageQueryTerms(terms, (t) => this.df.get(t) ?? 0, this.counts.sentences);
    for (const t of picked) weights.set(t.term, Math.max(weights.get(t.term) ?? 0, t.weight));
    const query = anyTermQuery([...weights.keys()]);
    if (!query || options.limit <= 0) return [];
    const lexemes = [...weights.keys()].filter((t) => anyTermQuery([t]) !== '');
    const { rows } = await this.pool.query<{
      id: string;
      article_id: string;
      first_sentence: number;
      last_sentence: number;
      hash: string;
      score: number;
      version: string;
    }>({
      // Named: prepared once per connection, so a question skips parsing and planning.
      name: 'newsdesk_search_passages',
      text: SEARCH_SQL,
      values: [
        query,
        lexemes.map(quoteLexeme),
        lexemes.map((t) => weights.get(t) ?? 1),
        options.limit,
        options.articleIds ? [...options.articleIds] : null,
      ],
    });
    const seen = Number(rows[0]?.version ?? this.corpusVersion);
    if (seen > this.corpusVersion) await this.sync();
    await this.fillTermCache([...new Set(rows.map((r) => r.article_id))]);
    const out: Candidate[] = [];
    for (const row of rows) {
      const article = this.articles.get(row.article_id);
      // A row from a corpus version this process no longer (or not yet) holds: skip rather than misquote.
      if (!article || article.hash !== row.hash || row.last_sentence >= article.sentences.length) continue;
      out.push({
        passageId: row.id,
        articleId: article.id,
        score: row.score,
        sentences: article.sentences.slice(row.first_sentence, row.last_sentence + 1),
        before: article.sentences[row.first_sentence - 1]?.text,
        after: article.sentences[row.last_sentence + 1]?.text,
      });
    }
    return out;
  }

  sentenceTerms(articleId: string): readonly (readonly string[])[] {
    const cached = this.termCache.get(articleId);
    if (cached) {
      this.termCache.delete(articleId);
      this.termCache.set(articleId, cached);
      return cached;
    }
    // Not fetched yet (no search has returned this article): the same analyzer gives the same terms.
    const article = this.articles.get(articleId);
    if (!article) return [];
    const terms = article.sentences.map((s) => analyze(s.text));
    this.cacheTerms(articleId, terms);
    return terms;
  }

  stats(): CorpusStats {
    return corpusStats(this.df, this.counts.sentences, this.counts.termTotal);
  }

  listArticles(): ArticleSummary[] {
    return [...this.articles.values()].map(articleSummary);
  }

  getArticle(id: string): Article | undefined {
    return this.articles.get(id);
  }

  /**
   * Reloads what is kept in memory when the database holds a newer corpus version. Calls made while a
   * reload runs share it, and one more reload follows so none misses a version committed meanwhile.
   */
  sync(): Promise<void> {
    if (this.loading) {
      this.loadAgain = true;
      return this.loading;
    }
    this.loading = (async () => {
      try {
        do {
          this.loadAgain = false;
          await this.load();
        } while (this.loadAgain && !this.closed);
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Stops listening and, when the store created its pool, ends it. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.loading?.catch(() => undefined);
    if (this.ownPool) await this.pool.end();
  }

  private async load(): Promise<void> {
    const client = await this.pool.connect();
    try {
      // One snapshot for every read, so the counts, articles and df map belong to the same version.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const state = (await client.query<StateRow>('SELECT * FROM corpus_state')).rows[0];
      if (!state) throw new Error('corpus_state is empty: the search migrations did not run');
      const version = Number(state.version);
      if (version === this.corpusVersion) {
        await client.query('COMMIT');
        return;
      }
      const { rows: hashes } = await client.query<{ id: string; hash: string }>(
        'SELECT id, hash FROM articles ORDER BY id',
      );
      const rebuilt = state.options_hash !== this.optionsHash;
      const wanted = hashes
        .filter((r) => rebuilt || this.articles.get(r.id)?.hash !== r.hash)
        .map((r) => r.id);
      const fetched = new Map<string, Article>();
      if (wanted.length) {
        const { rows } = await client.query<ArticleRow>(ARTICLES_SQL, [wanted]);
        for (const row of rows) fetched.set(row.id, articleFromRow(row));
      }
      const { rows: dfRows } = await client.query<{ term: string; df: number }>(
        'SELECT term, df FROM term_df',
      );
      await client.query('COMMIT');

      const next = new Map<string, Article>();
      for (const { id } of hashes) {
        const article = fetched.get(id) ?? this.articles.get(id);
        if (article) next.set(id, article);
      }
      if (rebuilt) this.termCache.clear();
      for (const id of this.termCache.keys()) if (fetched.has(id) || !next.has(id)) this.termCache.delete(id);
      this.articles = next;
      this.df = new Map(dfRows.map((r) => [r.term, r.df]));
      this.counts = {
        articles: state.article_count,
        passages: state.passage_count,
        sentences: state.sentence_count,
        termTotal: Number(state.sentence_term_total),
      };
      this.optionsHash = state.options_hash;
      this.corpusVersion = version;
      this.log?.debug({ version, articles: next.size, fetched: fetched.size }, 'corpus reloaded');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async fillTermCache(articleIds: string[]): Promise<void> {
    const missing = articleIds.filter((id) => !this.termCache.has(id) && this.articles.has(id));
    if (missing.length === 0) return;
    const { rows } = await this.pool.query<{ article_id: string; hash: string; terms: string[][] }>(
      `SELECT s.article_id, a.hash, json_agg(s.terms ORDER BY s.position) AS terms
       FROM sentences s JOIN articles a ON a.id = s.article_id
       WHERE s.article_id = ANY ($1::text[])
       GROUP BY s.article_id, a.hash`,
      [missing],
    );
    for (const row of rows) {
      if (this.articles.get(row.article_id)?.hash === row.hash) this.cacheTerms(row.article_id, row.terms);
    }
  }

  private cacheTerms(articleId: string, terms: string[][]): void {
    this.termCache.set(articleId, terms);
    if (this.termCache.size > TERM_CACHE_ARTICLES) {
      const oldest = this.termCache.keys().next().value;
      if (oldest !== undefined) this.termCache.delete(oldest);
    }
  }

  /**
   * LISTENs on a connection of its own for refreshes committed by other processes. A lost connection is
   * re-established a second later, then the corpus is reloaded, since notifications sent meanwhile are gone.
   */
  private async listen(): Promise<void> {
    const client = new pg.Client(this.pool.options);
    client.on('notification', (msg) => {
      if (msg.channel !== CORPUS_CHANNEL || Number(msg.payload) <= this.corpusVersion) return;
      this.sync().catch((err: unknown) => this.log?.error({ err }, 'could not reload the corpus'));
    });
    const retry = (err?: unknown) => {
      if (this.closed || this.listener !== client) return;
      this.listener = undefined;
      this.log?.warn({ err }, 'corpus notifications lost, reconnecting');
      client.end().catch(() => undefined);
      this.reconnect = setTimeout(() => {
        this.listen()
          .then(() => this.sync())
          .catch((e: unknown) => retry(e));
      }, 1_000);
      this.reconnect.unref();
    };
    client.on('error', retry);
    client.on('end', () => retry());
    this.listener = client;
    await client.connect();
    await client.query(`LISTEN ${CORPUS_CHANNEL}`);
  }
}

function articleFromRow(row: ArticleRow): Article {
  const sentences: Sentence[] = row.sentences.map(([index, paragraph, start, end, text]) => ({
    articleId: row.id,
    index,
    paragraph,
    start,
    end,
    text,
  }));
  return {
    id: row.id,
    path: row.path,
    hash: row.hash,
    meta: {
      title: row.title,
      source: row.source,
      url: row.url ?? undefined,
      published: row.published ?? undefined,
      author: row.author ?? undefined,
    },
    paragraphs: row.paragraphs,
    text: row.body,
    sentences,
  };
}

/**
 * Opens the PostgreSQL store: connects, runs the pending migrations (safe when several processes start
 * at once), loads what the interface needs in memory and LISTENs for other processes' refreshes. It does
 * not read the corpus folder: `refreshPostgres` does.
 *
 * @example const store = await openPostgresStore({ url: config.DATABASE_URL, log })
 */
export function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStore.open(options);
}

export interface PostgresRefreshOptions {
  corpusDir: string;
  maxBytes: number;
  log?: Logger | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Called once the corpus folder is listed (see `refreshRuns`). */
  onListed?: (() => void) | undefined;
  /** Runs inside the refresh transaction just before COMMIT (tests use it to look in mid-refresh). */
  beforeCommit?: (() => Promise<void>) | undefined;
}

/**
 * Brings the database up to date with the corpus folder, in one transaction: readers (this process and
 * every other) see the old corpus until the new one commits, whole. Refreshes of several processes are
 * serialised by an advisory lock, and each compares the folder with what the database holds once it has
 * the lock, so files are parsed only when their content hash differs (or the index options changed,
 * which rebuilds every article). The commit NOTIFYs `newsdesk_corpus` with the new corpus version.
 */
export async function refreshPostgres(
  store: PostgresStore,
  options: PostgresRefreshOptions,
): Promise<RefreshSummary> {
  const started = performance.now();
  const client = await store.pool.connect();
  let changes: CorpusChanges;
  let size: { articles: number; passages: number; sentences: number };
  let rebuilt = false;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [REFRESH_LOCK]);
    const state = (await client.query<StateRow>('SELECT * FROM corpus_state FOR UPDATE')).rows[0];
    if (!state) throw new Error('corpus_state is empty: the search migrations did not run');
    const { rows } = await client.query<{ id: string; hash: string; path: string }>(
      'SELECT id, hash, path FROM articles',
    );
    const optionsHash = indexOptionsHash();
    rebuilt = rows.length > 0 && state.options_hash !== optionsHash;
    if (rebuilt)
      options.log?.warn('index options changed since the database was built: rebuilding every article');
    const known = new Map<string, KnownArticle>(
      rows.map((r) => [r.id, { hash: rebuilt ? '' : r.hash, path: r.path }]),
    );
    changes = await scanCorpus(known, options);
    const { incoming, changed, removed } = changes;
    const dirty = incoming.length + removed.length > 0;
    if (dirty) {
      const stale = [...removed, ...changed];
      if (stale.length) {
        await client.query(
          `WITH d AS (${DISTINCT_TERMS}) UPDATE term_df SET df = term_df.df - d.n FROM d WHERE term_df.term = d.term`,
          [stale],
        );
        await client.query('DELETE FROM term_df WHERE df <= 0');
        await client.query('DELETE FROM articles WHERE id = ANY ($1::text[])', [stale]);
      }
      await insertArticles(client, incoming);
      if (incoming.length) {
        await client.query(
          `INSERT INTO term_df (term, df) ${DISTINCT_TERMS}
           ON CONFLICT (term) DO UPDATE SET df = term_df.df + excluded.df`,
          [incoming.map((a) => a.id)],
        );
      }
    }
    if (dirty || state.options_hash !== optionsHash) {
      const { rows: updated } = await client.query<{ version: string }>(
        `UPDATE corpus_state SET
           version = version + 1,
           options_hash = $1,
           article_count = (SELECT count(*) FROM articles),
           passage_count = (SELECT count(*) FROM passages),
           sentence_count = (SELECT count(*) FROM sentences),
           sentence_term_total = (SELECT coalesce(sum(cardinality(terms)), 0) FROM sentences),
           updated_at = now()
         RETURNING version::text`,
        [optionsHash],
      );
      // Delivered to every listener when (and only if) the transaction commits.
      await client.query('SELECT pg_notify($1, $2)', [CORPUS_CHANNEL, updated[0]?.version ?? '0']);
    }
    const { rows: counts } = await client.query<{ articles: number; passages: number; sentences: number }>(
      'SELECT article_count AS articles, passage_count AS passages, sentence_count AS sentences FROM corpus_state',
    );
    size = counts[0] ?? { articles: 0, passages: 0, sentences: 0 };
    await options.beforeCommit?.();
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  await store.sync();
  const dirty = changes.incoming.length + changes.removed.length > 0;
  return {
    ...size,
    added: changes.added,
    changed: changes.changed,
    removed: changes.removed,
    problems: changes.problems,
    snapshot: rebuilt ? 'rebuilt' : dirty ? 'updated' : 'loaded',
    seconds: elapsed(started),
  };
}

/** Inserts parsed articles with their sentences (and terms) and passages (and tsvectors), in batches. */
async function insertArticles(client: pg.PoolClient, articles: Article[]): Promise<void> {
  const articleRows: unknown[] = [];
  const sentenceRows: unknown[] = [];
  const passageRows: unknown[] = [];
  // Always all three, articles first: sentences and passages reference them.
  const flush = async () => {
    if (articleRows.length) {
      await client.query(
        `INSERT INTO articles (id, path, hash, title, source, url, published, author, paragraphs, body)
         SELECT r->>0, r->>1, r->>2, r->>3, r->>4, r->>5, r->>6, r->>7,
           ARRAY(SELECT jsonb_array_elements_text(r->8)), r->>9
         FROM jsonb_array_elements($1::jsonb) r`,
        [JSON.stringify(articleRows.splice(0))],
      );
    }
    if (sentenceRows.length) {
      await client.query(
        `INSERT INTO sentences (article_id, position, paragraph, start_offset, end_offset, text, terms)
         SELECT r->>0, (r->>1)::int, (r->>2)::int, (r->>3)::int, (r->>4)::int, r->>5,
           ARRAY(SELECT jsonb_array_elements_text(r->6))
         FROM jsonb_array_elements($1::jsonb) r`,
        [JSON.stringify(sentenceRows.splice(0))],
      );
    }
    if (passageRows.length) {
      await client.query(
        `INSERT INTO passages (id, article_id, first_sentence, last_sentence, text, tsv)
         SELECT r->>0, r->>1, (r->>2)::int, (r->>3)::int, r->>4, (r->>5)::tsvector
         FROM jsonb_array_elements($1::jsonb) r`,
        [JSON.stringify(passageRows.splice(0))],
      );
    }
  };
  for (const a of articles) {
    const { meta } = a;
    articleRows.push([
      a.id,
      a.path,
      a.hash,
      meta.title,
      meta.source,
      meta.url,
      meta.published,
      meta.author,
      a.paragraphs,
      a.text,
    ]);
    for (const s of a.sentences) {
      sentenceRows.push([a.id, s.index, s.paragraph, s.start, s.end, s.text, analyze(s.text)]);
    }
    const titleTerms = analyze(meta.title);
    for (const p of buildPassages(a, CHUNK_OPTIONS)) {
      passageRows.push([p.id, a.id, p.first, p.last, p.text, passageVector(titleTerms, analyze(p.text))]);
    }
    if (Math.max(articleRows.length, sentenceRows.length, passageRows.length) >= BATCH_ROWS) await flush();
  }
  await flush();
}

/**
 * The PostgreSQL store as the running program's index (`services.index`): `engine` answers questions,
 * `refresh()` refreshes from the corpus folder (calls in this process are run as `refreshRuns` says; other
 * processes wait on the advisory lock) and every process sees the result.
 */
export class PostgresIndex implements LiveStore {
  readonly engine: PostgresStore;
  private readonly run: () => Promise<RefreshSummary>;

  constructor(engine: PostgresStore, options: PostgresRefreshOptions) {
    this.engine = engine;
    this.run = refreshRuns((listed) => refreshPostgres(engine, { ...options, onListed: listed }));
  }

  /** Opens the store and refreshes it from the corpus folder, as `LiveIndex.open` does for the embedded store. */
  static async open(
    options: PostgresStoreOptions & PostgresRefreshOptions,
  ): Promise<{ index: PostgresIndex; summary: RefreshSummary }> {
    const store = await openPostgresStore(options);
    const index = new PostgresIndex(store, options);
    try {
      return { index, summary: await index.refresh() };
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  refresh(): Promise<RefreshSummary> {
    return this.run();
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
