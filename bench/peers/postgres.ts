import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { answerQuestion } from '../../src/answer/answer.js';
import type { Answer } from '../../src/answer/types.js';
import type { PostgresStore } from '../../src/search/postgres.js';
import type { Units } from '../units.js';
import type { Peer, PeerKind } from './peer.js';

const URL_FILE = 'postgres-url.txt';
/** Each sentence's id by a hash of its text, so a peer loaded in another process maps results as `build` did. */
const IDS_FILE = 'sentence-ids.json';
const keyOf = (text: string) => createHash('sha1').update(text).digest('base64').slice(0, 16);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

let cluster: Promise<{ createDatabase(): Promise<string> }> | undefined;

/** Why the PostgreSQL store cannot be measured here, or undefined when it can. */
export async function postgresUnavailable(): Promise<string | undefined> {
  if (!existsSync(path.join(ROOT, 'src', 'search', 'postgres.ts')))
    return 'src/search/postgres.ts does not exist';
  if (!existsSync(path.join(ROOT, 'tests', 'support', 'postgres.ts')))
    return 'tests/support/postgres.ts (the throwaway cluster) does not exist';
  const support = await import('../../tests/support/postgres.js');
  return support.postgresSkipReason;
}

/** A throwaway cluster (the tests' own helper) started once per bench run, stopped when it exits. */
async function database(): Promise<string> {
  cluster ??= import('../../tests/support/postgres.js').then((s) => s.startCluster());
  return (await cluster).createDatabase();
}

/**
 * newsdesk's PostgreSQL store (GIN tsvector over passages, ts_rank_cd, the same ranker): built as the
 * bot builds it, by `refreshPostgres` over a folder of article files, so its build time includes reading,
 * cleaning and splitting them, which the in-memory engines are spared.
 */
class PostgresPeer implements Peer {
  private byText = new Map<string, number>();
  private last: Answer | undefined;

  constructor(
    private store?: PostgresStore,
    private url = '',
    ids?: [string, number][],
  ) {
    if (ids) this.byText = new Map(ids);
  }

  async build(units: Units): Promise<void> {
    const { openPostgresStore, refreshPostgres } = await import('../../src/search/postgres.js');
    this.url = await database();
    const dir = path.join(ROOT, 'bench', 'cache', 'postgres-corpus');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const a of units.articles) await writeFile(path.join(dir, `${a.id}.txt`), a.paragraphs.join('\n\n'));
    this.store = await openPostgresStore({ url: this.url, listen: false });
    await refreshPostgres(this.store, { corpusDir: dir, maxBytes: 10_000_000 });
    await rm(dir, { recursive: true, force: true });
    units.sentences.forEach((text, id) => {
      const key = keyOf(text);
      if (!this.byText.has(key)) this.byText.set(key, id);
    });
  }

  async save(dir: string): Promise<void> {
    await writeFile(path.join(dir, URL_FILE), this.url);
    await writeFile(path.join(dir, IDS_FILE), JSON.stringify([...this.byText]));
  }

  async query(question: string): Promise<number[]> {
    if (!this.store) return [];
    this.last = await answerQuestion(this.store, question, { topK: 3, threshold: 0 });
    // Ids by text: the store re-parsed the files, so its sentence numbering may differ from the units'.
    return this.last.results.flatMap((r) => this.byText.get(keyOf(r.text)) ?? []);
  }

  async diskBytes(): Promise<number> {
    const { rows } = (await this.store?.pool.query<{ bytes: string }>(
      'SELECT pg_database_size(current_database()) AS bytes',
    )) ?? { rows: [] };
    return Number(rows[0]?.bytes ?? 0);
  }

  async close(): Promise<void> {
    await this.store?.close();
  }
}

export const postgresPeer: PeerKind = {
  name: 'newsdesk postgres',
  setup:
    'newsdesk PostgresStore on a throwaway local cluster (fsync off): refreshPostgres from article files, answerQuestion topK 3; RSS is the client only',
  create: () => new PostgresPeer(),
  load: async (dir) => {
    const { openPostgresStore } = await import('../../src/search/postgres.js');
    const url = (await readFile(path.join(dir, URL_FILE), 'utf8')).trim();
    const ids = JSON.parse(await readFile(path.join(dir, IDS_FILE), 'utf8')) as [string, number][];
    return new PostgresPeer(await openPostgresStore({ url, listen: false }), url, ids);
  },
};
