import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, a server on a free loopback
 * port (its socket in the same folder, so no system folder is touched), trust authentication for the
 * `postgres` user, durability off (fsync, synchronous commit, full-page writes) for speed. `stop()` stops
 * it and removes the folder; a test process that dies stops it too (`exit` hook).
 */
export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  /** A new, empty database; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Restarts the server (fast shutdown: open connections are cut), as an operator or a crash would. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Where initdb, pg_ctl and postgres are, or why the PostgreSQL tests cannot run here. */
export const postgresBin = findPostgresBin();
/** `undefined` when the PostgreSQL tests can run; else the one-line reason they are skipped. */
export const postgresSkipReason: string | undefined = postgresBin.reason;

function findPostgresBin():
  | { dir: string; asUser?: string | undefined; reason?: undefined }
  | { reason: string } {
  const candidates: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // No Debian-style installation.
  }
  const dir = candidates.find((d) =>
    ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(path.join(d, b))),
  );
  if (!dir) {
    return {
      reason:
        'PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in PATH or /usr/lib/postgresql/*/bin',
    };
  }
  // initdb and postgres refuse to run as root: run them as the postgres system user.
  if (process.getuid?.() !== 0) return { dir };
  const user = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (user.status !== 0)
    return { reason: 'running as root and there is no postgres system user to run the server' };
  if (spawnSync('runuser', ['--help'], { stdio: 'ignore' }).error) {
    return { reason: 'running as root and runuser is missing (needed to run the server as postgres)' };
  }
  return { dir, asUser: 'postgres' };
}

function command(bin: string, args: string[]): [string, string[]] {
  if ('reason' in postgresBin && postgresBin.reason) throw new Error(postgresBin.reason);
  const { dir, asUser } = postgresBin as { dir: string; asUser?: string };
  const file = path.join(dir, bin);
  return asUser ? ['runuser', ['-u', asUser, '--', file, ...args]] : [file, args];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** Starts a throwaway cluster (about a second with `initdb --no-sync`). */
export async function startCluster(): Promise<PgCluster> {
  const root = await mkdtemp(path.join(tmpdir(), 'newsdesk-pg-'));
  const data = path.join(root, 'data');
  const asUser = 'asUser' in postgresBin ? postgresBin.asUser : undefined;
  if (asUser) {
    const uid = Number(execFileSync('id', ['-u', asUser], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', asUser], { encoding: 'utf8' }).trim());
    await chown(root, uid, gid);
  }
  const exec = (bin: string, args: string[]) => run(...command(bin, args), { cwd: root });
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    spawnSync(...command('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']), { stdio: 'ignore' });
    spawnSync('rm', ['-rf', root]);
  };
  process.once('exit', stopSync);
  try {
    await exec('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    let port = 0;
    let serverOptions = '';
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      const options = [
        `-k ${root}`,
        '-h 127.0.0.1',
        `-p ${port}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=60',
      ].join(' ');
      serverOptions = options;
      try {
        await exec('pg_ctl', [
          'start',
          '-D',
          data,
          '-l',
          path.join(root, 'server.log'),
          '-w',
          '-t',
          '30',
          '-o',
          options,
        ]);
        break;
      } catch (err) {
        // Another program took the port between our check and the server's bind: try another.
        if (attempt >= 2) throw err;
      }
    }
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    let databases = 0;
    return {
      url,
      port,
      async createDatabase(name = `test_${++databases}_${process.pid}`) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
        } finally {
          await client.end();
        }
        return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
      },
      async restart() {
        await exec('pg_ctl', [
          'restart',
          '-D',
          data,
          '-m',
          'fast',
          '-w',
          '-t',
          '30',
          '-l',
          path.join(root, 'server.log'),
          '-o',
          serverOptions,
        ]);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        process.removeListener('exit', stopSync);
        await exec('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']).catch(() => undefined);
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    stopSync();
    process.removeListener('exit', stopSync);
    throw err;
  }
}
