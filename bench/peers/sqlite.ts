import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Units } from '../units.js';
import { LUCENE_STOP_WORDS, type Peer, type PeerKind, questionWords } from './peer.js';

type Database = BetterSqlite3.Database;
type DatabaseConstructor = typeof BetterSqlite3;

const FILE = 'fts.sqlite';
/** Passages the passage-first variant takes before ranking their sentences. */
const PASSAGES = 10;

let loaded: DatabaseConstructor | string | undefined;

/**
 * better-sqlite3 is a native addon built from source at install: when that build failed, the SQLite
 * peers skip themselves with the reason instead of stopping the bench.
 */
export function sqliteUnavailable(): string | undefined {
  if (loaded === undefined) {
    try {
      const Db = createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;
      new Db(':memory:').exec('CREATE VIRTUAL TABLE t USING fts5(x)');
      loaded = Db;
    } catch (err) {
      loaded = `better-sqlite3 did not load (${(err as Error).message.split('\n')[0]})`;
    }
  }
  return typeof loaded === 'string' ? loaded : undefined;
}

function openDb(file: string): Database {
  if (sqliteUnavailable() || typeof loaded !== 'function') throw new Error(sqliteUnavailable());
  return new loaded(file);
}

/** An FTS5 query: the question's words less stop words, each quoted, joined with OR. */
export function ftsQuery(question: string): string {
  return questionWords(question)
    .filter((w) => !LUCENE_STOP_WORDS.has(w))
    .map((w) => `"${w}"`)
    .join(' OR ');
}

const SCHEMA = `CREATE VIRTUAL TABLE s USING fts5(text, tokenize = 'porter unicode61')`;

interface Statements {
  db: Database;
  top: BetterSqlite3.Statement;
  passages?: BetterSqlite3.Statement;
  within?: BetterSqlite3.Statement;
}

function prepare(db: Database, viaPassages: boolean): Statements {
  const top = db.prepare('SELECT rowid AS id FROM s WHERE s MATCH ? ORDER BY bm25(s) LIMIT 3');
  if (!viaPassages) return { db, top };
  return {
    db,
    top,
    passages: db.prepare(
      `SELECT span.first AS first, span.last AS last FROM p JOIN span ON span.id = p.rowid
       WHERE p MATCH ? ORDER BY bm25(p) LIMIT ${PASSAGES}`,
    ),
    within: db.prepare(
      `SELECT rowid AS id FROM s WHERE s MATCH ? AND rowid IN (SELECT value FROM json_each(?))
       ORDER BY bm25(s) LIMIT 3`,
    ),
  };
}

class SqlitePeer implements Peer {
  private statements: Statements | undefined;

  constructor(
    private readonly viaPassages: boolean,
    db?: Database,
  ) {
    if (db) this.statements = prepare(db, viaPassages);
  }

  build(units: Units): void {
    // Built in memory (as the others are) and written to a file by `save`.
    const db = openDb(':memory:');
    db.exec(SCHEMA);
    const addSentence = db.prepare('INSERT INTO s(rowid, text) VALUES (?, ?)');
    db.transaction(() => {
      for (const [i, t] of units.sentences.entries()) addSentence.run(i, t);
    })();
    if (this.viaPassages) {
      db.exec(`CREATE VIRTUAL TABLE p USING fts5(text, tokenize = 'porter unicode61');
        CREATE TABLE span(id INTEGER PRIMARY KEY, first INTEGER, last INTEGER);`);
      const addPassage = db.prepare('INSERT INTO p(rowid, text) VALUES (?, ?)');
      const addSpan = db.prepare('INSERT INTO span(id, first, last) VALUES (?, ?, ?)');
      db.transaction(() => {
        for (const [i, p] of units.passages.entries()) {
          addPassage.run(i, p.text);
          addSpan.run(i, p.first, p.last);
        }
      })();
    }
    this.statements = prepare(db, this.viaPassages);
  }

  async save(dir: string): Promise<void> {
    await this.statements?.db.backup(path.join(dir, FILE));
  }

  query(question: string): number[] {
    const match = ftsQuery(question);
    const st = this.statements;
    if (!match || !st) return [];
    if (!st.passages || !st.within) return (st.top.all(match) as { id: number }[]).map((r) => r.id);
    const spans = st.passages.all(match) as { first: number; last: number }[];
    const ids: number[] = [];
    for (const { first, last } of spans) for (let i = first; i <= last; i++) ids.push(i);
    if (ids.length === 0) return [];
    return (st.within.all(match, JSON.stringify(ids)) as { id: number }[]).map((r) => r.id);
  }
}

function kind(viaPassages: boolean): PeerKind {
  return {
    name: viaPassages ? 'sqlite-fts5 passages' : 'sqlite-fts5',
    setup: viaPassages
      ? `FTS5 (porter unicode61) over passages, top ${PASSAGES} by bm25(), then bm25() over their sentences`
      : 'FTS5 (porter unicode61) over sentences, bm25(), question words OR-ed, Lucene stop words dropped',
    create: () => new SqlitePeer(viaPassages),
    load: async (dir) => new SqlitePeer(viaPassages, openDb(path.join(dir, FILE))),
  };
}

export const sqliteSentences = kind(false);
export const sqlitePassages = kind(true);
