import type pg from 'pg';
import type { Logger } from '../log.js';

/** One schema change: applied once, in `version` order, recorded in `schema_migrations`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Key of the advisory lock that serialises migrations across processes (any fixed 64-bit number). */
const MIGRATION_LOCK = 7_461_203_918_224_001n;

/**
 * Brings a component's tables (`search`, `state`, …) up to the newest migration. All pending migrations
 * of the component run in one transaction, under a transaction-scoped advisory lock, so two processes
 * starting at once apply each migration exactly once (the second waits, then finds nothing to do), and
 * a failing migration leaves the schema as it was. Returns the versions it applied.
 *
 * @example await runMigrations(pool, 'search', SEARCH_MIGRATIONS) // → [1] on a new database, [] after
 */
export async function runMigrations(
  pool: pg.Pool,
  component: string,
  migrations: readonly Migration[],
  log?: Logger,
): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    // Under the lock: CREATE TABLE IF NOT EXISTS is not safe against a concurrent twin on its own.
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      component text NOT NULL,
      version integer NOT NULL,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (component, version)
    )`);
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM schema_migrations WHERE component = $1',
      [component],
    );
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)', [
        component,
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    const newest = Math.max(0, ...migrations.map((m) => m.version));
    const ahead = [...done].filter((v) => v > newest);
    if (ahead.length) {
      log?.warn({ component, versions: ahead }, 'the database has migrations this program does not know');
    }
    await client.query('COMMIT');
    if (applied.length) log?.info({ component, applied }, 'database schema migrated');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
