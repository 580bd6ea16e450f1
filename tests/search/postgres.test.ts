import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerQuestion } from '../../src/answer/answer.js';
import { parseQuestion } from '../../src/answer/question.js';
import { loadArticles } from '../../src/corpus/load.js';
import { SearchEngine } from '../../src/search/engine.js';
import { runMigrations } from '../../src/search/pg-migrate.js';
import { SEARCH_MIGRATIONS } from '../../src/search/pg-schema.js';
import {
  openPostgresStore,
  PostgresIndex,
  type PostgresStore,
  refreshPostgres,
} from '../../src/search/postgres.js';
import { DEFAULT_ARTICLES, FIXTURE_ARTICLES, tempCorpus } from '../support/corpus.js';
import { type PgCluster, postgresSkipReason, startCluster } from '../support/postgres.js';
import { cleanupScope } from '../support/processes.js';

if (postgresSkipReason) console.warn(`PostgreSQL store tests skipped: ${postgresSkipReason}`);

let cluster: PgCluster;
const cleanups = cleanupScope();

beforeAll(async () => {
  if (!postgresSkipReason) cluster = await startCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

/** A store over a new database, refreshed from `corpusDir` (closed after the test). */
async function storeOver(corpusDir: string, url?: string) {
  const store = await openPostgresStore({ url: url ?? (await cluster.createDatabase()) });
  cleanups.push(() => store.close());
  const summary = await refreshPostgres(store, { corpusDir, maxBytes: 1e6 });
  return { store, summary };
}

async function pool(url: string) {
  const p = new pg.Pool({ connectionString: url });
  cleanups.push(() => p.end());
  return p;
}

async function copyOfCorpus(from = FIXTURE_ARTICLES) {
  const c = await tempCorpus(from);
  cleanups.push(c.cleanup);
  return c;
}

const engineOver = async (dir: string) =>
  SearchEngine.fromArticles((await loadArticles(dir, { maxBytes: 1e6 })).articles);

describe.skipIf(postgresSkipReason)('runMigrations', () => {
  it('applies each migration once, however often and however many processes run it at once', async () => {
    const url = await cluster.createDatabase();
    const pools = await Promise.all([1, 2, 3, 4].map(() => pool(url)));
    const applied = await Promise.all(pools.map((p) => runMigrations(p, 'search', SEARCH_MIGRATIONS)));
    expect(applied.filter((a) => a.length > 0)).toEqual([[1]]);
    expect(await runMigrations(pools[0]!, 'search', SEARCH_MIGRATIONS)).toEqual([]);
    const { rows } = await pools[0]!.query('SELECT component, version FROM schema_migrations');
    expect(rows).toEqual([{ component: 'search', version: 1 }]);
    const state = await pools[0]!.query('SELECT count(*)::int AS n FROM corpus_state');
    expect(state.rows[0].n).toBe(1);
  });

  it('leaves the schema as it was when a migration fails', async () => {
    const p = await pool(await cluster.createDatabase());
    const broken = [
      ...SEARCH_MIGRATIONS,
      { version: 2, name: 'half done', sql: 'CREATE TABLE half (x int); SELECT no_such_function();' },
    ];
    await expect(runMigrations(p, 'search', broken)).rejects.toThrow(/no_such_function/);
    const { rows } = await p.query("SELECT to_regclass('schema_migrations') AS m, to_regclass('half') AS h");
    expect(rows[0]).toEqual({ m: null, h: null });
    expect(await runMigrations(p, 'search', SEARCH_MIGRATIONS)).toEqual([1]);
  });
});

/** The answer tests' questions and a few more: both stores must give the same first result. */
const FIXTURE_QUESTIONS = [
  'How many people were evacuated in Millbrook?',
  'Who is the governor of the Harbour Bank?',
  'What did the Harbour Bank raise its main interest rate to?',
  'When did the flood defences in Millbrook get built?',
  'How much rain is forecast on Tuesday?',
  'Which striker did Kestrel United sign?',
  'Why did the bank raise rates?',
  'What is the best recipe for banana bread?',
  'How tall is Mount Kilimanjaro?',
  'interest rate inflation',
];
const DEFAULT_QUESTIONS = [
  'How long do the diplomats have to leave Russia?',
  'What did the UK Foreign Office spokesperson say?',
  'Who won the World Cup in 2018?',
  'Why were the diplomats expelled?',
];

describe.skipIf(postgresSkipReason)('PostgresStore answers', () => {
  let fixtures: PostgresStore;
  let defaults: PostgresStore;
  let miniFixtures: SearchEngine;
  let miniDefaults: SearchEngine;

  beforeAll(async () => {
    const open = async (dir: string) => {
      const store = await openPostgresStore({ url: await cluster.createDatabase() });
      await refreshPostgres(store, { corpusDir: dir, maxBytes: 1e6 });
      return store;
    };
    [fixtures, defaults, miniFixtures, miniDefaults] = await Promise.all([
      open(FIXTURE_ARTICLES),
      open(DEFAULT_ARTICLES),
      engineOver(FIXTURE_ARTICLES),
      engineOver(DEFAULT_ARTICLES),
    ]);
  });
  afterAll(async () => {
    await fixtures?.close();
    await defaults?.close();
  });

  it('holds the same articles and sentence statistics as the MiniSearch engine', () => {
    for (const [pgStore, mini] of [
      [fixtures, miniFixtures],
      [defaults, miniDefaults],
    ] as const) {
      expect(pgStore.listArticles().map((a) => a.id)).toEqual(mini.listArticles().map((a) => a.id));
      const [a, b] = [pgStore.stats(), mini.stats()];
      expect(a.sentenceCount).toBe(b.sentenceCount);
      expect(a.avgSentenceTerms).toBeCloseTo(b.avgSentenceTerms, 10);
      for (const term of ['flood', 'bank', 'rate', 'diplomat', 'russia', 'nope'])
        expect(a.df(term)).toBe(b.df(term));
      for (const { id } of mini.listArticles()) {
        expect(pgStore.sentenceTerms(id)).toEqual(mini.sentenceTerms(id));
        expect(pgStore.getArticle(id)).toEqual(mini.getArticle(id));
      }
    }
  });

  it('gives the same first result as the MiniSearch engine, on the fixtures and the default corpus', async () => {
    for (const [pgStore, mini, questions] of [
      [fixtures, miniFixtures, FIXTURE_QUESTIONS],
      [defaults, miniDefaults, DEFAULT_QUESTIONS],
    ] as const) {
      for (const q of questions) {
        const [a, b] = await Promise.all([answerQuestion(pgStore, q), answerQuestion(mini, q)]);
        expect({ q, answered: a.answered, first: a.results[0]?.text }).toEqual({
          q,
          answered: b.answered,
          first: b.results[0]?.text,
        });
      }
    }
  });

  it('finds the "two weeks" sentence with both sources, and nothing for an off-topic question', async () => {
    const a = await answerQuestion(defaults, 'How long do the diplomats have to leave Russia?');
    expect(a.answered).toBe(true);
    expect(a.results[0]?.text).toContain('two weeks');
    expect(a.results[0]?.sources.map((s) => s.source).sort()).toEqual(['Al Jazeera', 'unknown']);
    expect((await answerQuestion(defaults, 'Who won the World Cup in 2018?')).answered).toBe(false);
    expect((await answerQuestion(fixtures, 'What is the best recipe for banana bread?')).answered).toBe(
      false,
    );
  });

  it('answers from the fixtures with sources, context and one result per fact', async () => {
    const a = await answerQuestion(fixtures, 'How many people were evacuated in Millbrook?');
    expect(a.results[0]?.text).toMatch(/About 400 people were evacuated/);
    expect(a.results[0]?.sources[0]).toMatchObject({ articleId: 'river-flood', source: 'Valley Courier' });
    const rate = await answerQuestion(fixtures, 'What did the Harbour Bank raise its main interest rate to?');
    expect(rate.results[0]?.sources.map((s) => s.source).sort()).toEqual(['Coastal Wire', 'Northern Ledger']);
    const built = await answerQuestion(fixtures, 'When did the flood defences in Millbrook get built?');
    const r = built.results.find((x) => x.text.includes('1998'));
    expect(r?.context.before).toContain('rest centre');
    expect(r?.context.after).toContain('Met Office');
  });

  it('keeps to the articles asked for', async () => {
    const only = new Set(['coastal-wire-rates']);
    const terms = parseQuestion('interest rate inflation', fixtures.stats()).terms;
    const candidates = await fixtures.searchPassages(terms, { limit: 40, articleIds: only });
    expect(candidates.length).toBeGreaterThan(0);
    expect(candidates.every((c) => c.articleId === 'coastal-wire-rates')).toBe(true);
    expect(await fixtures.searchPassages(terms, { limit: 40, articleIds: new Set() })).toEqual([]);
  });

  it('treats quotes, backslashes, tsquery operators and SQL in a question as plain text', async () => {
    const hostile = [
      `'; DROP TABLE articles; --`,
      `flood' OR '1'='1`,
      `\\'\\\\ "flood" & | ! : * ( ) <-> :* !flood & (bank | rate)`,
      `$1 $$ E'\\x00' %s %%`,
      'Robert"); DELETE FROM sentences; --',
    ];
    for (const q of hostile) {
      const a = await answerQuestion(fixtures, q);
      expect(a.answered).toBeTypeOf('boolean');
    }
    const raw = [
      "'",
      "''",
      '\\',
      "a'b",
      'c\\d',
      '&',
      '|',
      '!',
      ':*',
      '(',
      ')',
      '<->',
      'flood:*',
      'x:A',
      ' ',
      '',
    ];
    const candidates = await fixtures.searchPassages(
      // The real term outweighs the junk, as it would in a question; the store queries the 8 heaviest.
      raw.map((term) => ({ term, weight: 1 })).concat({ term: 'flood', weight: 2 }),
      { limit: 10 },
    );
    expect(candidates.length).toBeGreaterThan(0);
    expect(fixtures.listArticles()).toHaveLength(4);
    expect(fixtures.stats().sentenceCount).toBe(miniFixtures.stats().sentenceCount);
  });

  it('indexes and finds text full of quotes, backslashes and operators', async () => {
    const c = await copyOfCorpus();
    await writeFile(
      path.join(c.corpusDir, 'odd-marks.txt'),
      "O'Brien's \\\\server\\share & the | pipe (parens) :* stars <-> 'quoted' survey found 7% of dockers.\n",
    );
    const { store, summary } = await storeOver(c.corpusDir);
    expect(summary.added).toContain('odd-marks');
    const a = await answerQuestion(store, "What did O'Brien's survey of dockers find?");
    expect(a.results[0]?.text).toContain("O'Brien's");
  });
});

describe.skipIf(postgresSkipReason)('refreshPostgres', () => {
  it('re-indexes only what was added, changed or removed, and keeps the statistics in step', async () => {
    const c = await copyOfCorpus();
    const { store, summary } = await storeOver(c.corpusDir);
    expect(summary).toMatchObject({ articles: 4, added: expect.any(Array), snapshot: 'updated' });
    expect(summary.added).toHaveLength(4);
    expect((await refreshPostgres(store, { corpusDir: c.corpusDir, maxBytes: 1e6 })).snapshot).toBe('loaded');

    await rm(path.join(c.corpusDir, 'stadium-transfer.txt'));
    const flood = path.join(c.corpusDir, 'river-flood.md');
    await writeFile(flood, (await readFile(flood, 'utf8')).replace('About 400 people', 'About 650 people'));
    await writeFile(
      path.join(c.corpusDir, 'school-closure.txt'),
      'Ashgrove Primary School will close in July after 112 years, the county council confirmed on Friday.\nParents said they were "devastated" by the decision.\n',
    );
    const refreshed = await refreshPostgres(store, { corpusDir: c.corpusDir, maxBytes: 1e6 });
    expect(refreshed).toMatchObject({
      added: ['school-closure'],
      changed: ['river-flood'],
      removed: ['stadium-transfer'],
      articles: 4,
      snapshot: 'updated',
    });
    expect(
      (await answerQuestion(store, 'How many people were evacuated from Millbrook?')).results[0]?.text,
    ).toContain('650');
    // The df map maintained incrementally equals one counted from scratch, and the MiniSearch engine's.
    const { rows } = await store.pool.query<{ term: string; df: number }>(
      `SELECT term, count(*)::int AS df FROM sentences, LATERAL (SELECT DISTINCT unnest(terms) AS term) t
       GROUP BY term ORDER BY term`,
    );
    const { rows: kept } = await store.pool.query('SELECT term, df FROM term_df ORDER BY term');
    expect(kept).toEqual(rows);
    const mini = await engineOver(c.corpusDir);
    expect(store.stats().sentenceCount).toBe(mini.stats().sentenceCount);
    for (const { term, df } of rows) expect(mini.stats().df(term)).toBe(df);
  });

  it('shows readers the old corpus until the refresh commits, then the new one', async () => {
    const c = await copyOfCorpus();
    const url = await cluster.createDatabase();
    const { store: writer } = await storeOver(c.corpusDir, url);
    const reader = await openPostgresStore({ url });
    cleanups.push(() => reader.close());
    await writeFile(
      path.join(c.corpusDir, 'ferry-strike.txt'),
      'Ferry workers at Portmere walked out on Monday in a dispute over night-shift pay, cancelling 14 crossings.\n',
    );
    await rm(path.join(c.corpusDir, 'river-flood.md'));
    const question = 'How many ferry crossings were cancelled at Portmere?';
    const during: { answered: boolean; articles: string[]; flood: boolean }[] = [];
    await refreshPostgres(writer, {
      corpusDir: c.corpusDir,
      maxBytes: 1e6,
      beforeCommit: async () => {
        for (const store of [reader, writer]) {
          const a = await answerQuestion(store, question);
          const flood = await answerQuestion(store, 'How many people were evacuated in Millbrook?');
          const { rows } = await reader.pool.query<{ id: string }>('SELECT id FROM articles ORDER BY id');
          during.push({ answered: a.answered, articles: rows.map((r) => r.id), flood: flood.answered });
        }
      },
    });
    for (const seen of during) {
      expect(seen).toEqual({
        answered: false,
        articles: expect.arrayContaining(['river-flood']),
        flood: true,
      });
      expect(seen.articles).not.toContain('ferry-strike');
    }
    expect((await answerQuestion(writer, question)).results[0]?.text).toContain('14 crossings');
    await vi.waitFor(() => expect(reader.getArticle('ferry-strike')).toBeDefined(), { timeout: 5000 });
    expect((await answerQuestion(reader, question)).results[0]?.text).toContain('14 crossings');
    expect(reader.getArticle('river-flood')).toBeUndefined();
  });

  it('makes a refresh in one process visible to another (NOTIFY, and on the next search)', async () => {
    const c = await copyOfCorpus();
    const url = await cluster.createDatabase();
    const { store: first } = await storeOver(c.corpusDir, url);
    const second = await openPostgresStore({ url });
    const deaf = await openPostgresStore({ url, listen: false });
    cleanups.push(
      () => second.close(),
      () => deaf.close(),
    );
    expect(second.listArticles().map((a) => a.id)).toEqual(first.listArticles().map((a) => a.id));
    await writeFile(
      path.join(c.corpusDir, 'bridge-repair.txt'),
      'The Tamar footbridge will reopen on 3 March after £2.4m of repairs, the city council said.\n',
    );
    await refreshPostgres(first, { corpusDir: c.corpusDir, maxBytes: 1e6 });
    await vi.waitFor(() => expect(second.getArticle('bridge-repair')).toBeDefined(), { timeout: 5000 });
    expect(second.version).toBe(first.version);
    expect(second.stats().sentenceCount).toBe(first.stats().sentenceCount);
    // A process that missed the notification catches up when a search sees a newer corpus version.
    expect(deaf.getArticle('bridge-repair')).toBeUndefined();
    const a = await answerQuestion(deaf, 'When will the Tamar footbridge reopen?');
    expect(a.results[0]?.text).toContain('3 March');
    expect(deaf.version).toBe(first.version);
  });

  it('serialises refreshes of two processes, applying each change once', async () => {
    const c = await copyOfCorpus();
    const url = await cluster.createDatabase();
    const [a, b] = await Promise.all([openPostgresStore({ url }), openPostgresStore({ url })]);
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const options = { corpusDir: c.corpusDir, maxBytes: 1e6 };
    const [ra, rb] = await Promise.all([refreshPostgres(a, options), refreshPostgres(b, options)]);
    expect([ra.added.length, rb.added.length].sort()).toEqual([0, 4]);
    const { rows } = await a.pool.query('SELECT count(*)::int AS n, sum(df)::int AS total FROM term_df');
    const { rows: fresh } = await a.pool.query(
      `SELECT count(*)::int AS n, sum(df)::int AS total FROM (SELECT term, count(*) AS df FROM sentences,
         LATERAL (SELECT DISTINCT unnest(terms) AS term) t GROUP BY term) x`,
    );
    expect(rows).toEqual(fresh);
  });

  it('rebuilds every article when the index options changed since the database was built', async () => {
    const c = await copyOfCorpus();
    const { store } = await storeOver(c.corpusDir);
    await store.pool.query("UPDATE corpus_state SET options_hash = 'built-by-an-older-version'");
    const summary = await refreshPostgres(store, { corpusDir: c.corpusDir, maxBytes: 1e6 });
    expect(summary).toMatchObject({ snapshot: 'rebuilt', articles: 4, added: [], removed: [] });
    expect(summary.changed).toHaveLength(4);
    expect((await answerQuestion(store, 'Who is the governor of the Harbour Bank?')).answered).toBe(true);
  });
});

describe.skipIf(postgresSkipReason)('PostgresIndex', () => {
  it('opens, refreshes from the folder, and runs two refreshes asked at once as one', async () => {
    const c = await copyOfCorpus();
    const { index, summary } = await PostgresIndex.open({
      url: await cluster.createDatabase(),
      corpusDir: c.corpusDir,
      maxBytes: 1e6,
    });
    cleanups.push(() => index.close());
    expect(summary.articles).toBe(4);
    const [x, y] = await Promise.all([index.refresh(), index.refresh()]);
    expect(x).toBe(y);
    expect(index.engine.listArticles()).toHaveLength(4);
  });
});
