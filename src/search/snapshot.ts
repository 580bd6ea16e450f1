import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { syncDir } from '../corpus/save.js';
import { AppError } from '../errors.js';
import type { EngineState } from './engine.js';
import { indexOptionsHash, SNAPSHOT_FORMAT } from './options.js';

export const SNAPSHOT_FILE = 'index.snapshot';
const MAGIC = 'newsdesk-snapshot';

/**
 * Writes engine state atomically: to a temporary file in the same folder, flushed to disk, then renamed
 * over the old snapshot (and the folder flushed), so a crash at any point leaves either the old snapshot
 * or the new one, never a torn file. The first line holds the format, the options hash, and the SHA-256
 * and length of the body, so a truncated or corrupted file is detected on load.
 */
export async function writeSnapshot(
  dir: string,
  state: EngineState,
): Promise<{ path: string; bytes: number }> {
  await mkdir(dir, { recursive: true });
  await removeStaleTemps(dir);
  const body = Buffer.from(JSON.stringify(state), 'utf8');
  const digest = createHash('sha256').update(body).digest('hex');
  const header = Buffer.from(
    `${MAGIC} ${SNAPSHOT_FORMAT} ${indexOptionsHash()} ${digest} ${body.length}\n`,
    'utf8',
  );
  const target = path.join(dir, SNAPSHOT_FILE);
  const temp = path.join(dir, `${SNAPSHOT_FILE}.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(temp, 'w', 0o644);
  try {
    await handle.writev([header, body]);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDir(dir);
  return { path: target, bytes: header.length + body.length };
}

/**
 * Reads a snapshot. Returns `undefined` when there is none; throws `SNAPSHOT_MISMATCH` when it was built
 * with another format or other index options, and `SNAPSHOT_CORRUPT` when it is truncated or damaged.
 */
export async function readSnapshot(dir: string): Promise<EngineState | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(dir, SNAPSHOT_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('SNAPSHOT_CORRUPT', { detail: (err as Error).message }, { cause: err });
  }
  const newline = bytes.indexOf(10);
  const header = newline > 0 ? bytes.subarray(0, Math.min(newline, 300)).toString('utf8').split(' ') : [];
  const [magic, format, optionsHash, digest, length] = header;
  if (magic !== MAGIC || !digest || !length) {
    throw new AppError('SNAPSHOT_CORRUPT', { detail: 'the header is missing' });
  }
  if (Number(format) !== SNAPSHOT_FORMAT || optionsHash !== indexOptionsHash()) {
    throw new AppError('SNAPSHOT_MISMATCH', { detail: `format ${format}, options ${optionsHash}` });
  }
  const body = bytes.subarray(newline + 1);
  if (body.length !== Number(length)) {
    throw new AppError('SNAPSHOT_CORRUPT', { detail: `${body.length} of ${length} bytes` });
  }
  if (createHash('sha256').update(body).digest('hex') !== digest) {
    throw new AppError('SNAPSHOT_CORRUPT', { detail: 'the checksum does not match' });
  }
  try {
    return JSON.parse(body.toString('utf8')) as EngineState;
  } catch (err) {
    throw new AppError('SNAPSHOT_CORRUPT', { detail: 'the body is not valid JSON' }, { cause: err });
  }
}

/** Temporary files left by writers that were killed mid-write (their process is gone) are removed. */
async function removeStaleTemps(dir: string): Promise<void> {
  const pattern = new RegExp(`^${SNAPSHOT_FILE.replace('.', '\\.')}\\.(\\d+)\\.\\d+\\.tmp$`);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    await rm(path.join(dir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
