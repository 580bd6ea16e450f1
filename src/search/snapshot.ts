import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { syncDir } from '../corpus/save.js';
import { AppError } from '../errors.js';
import type { EngineState } from './engine.js';
import { indexOptionsHash, SNAPSHOT_FORMAT } from './options.js';

export const SNAPSHOT_FILE = 'index.snapshot';
const MAGIC = 'newsdesk-snapshot';

/** The typed arrays a snapshot can hold, by the name written in its table of contents. */
const ARRAY_TYPES = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f64: Float64Array,
} as const;
type ArrayKind = keyof typeof ARRAY_TYPES;
export type SnapshotArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/** A table-of-contents entry: where an array starts in the body, its type and its element count. */
type ArrayEntry = [name: string, kind: ArrayKind, offset: number, length: number];

/**
 * Writes engine state atomically: to a temporary file in the same folder, flushed to disk, then renamed
 * over the old snapshot (and the folder flushed), so a crash at any point leaves either the old snapshot
 * or the new one, never a torn file. The first line holds the format, the options hash, and the SHA-256
 * and length of the body, so a truncated or corrupted file is detected on load. The body is a small
 * JSON part (article metadata, vocabulary, a table of contents) followed by the state's typed arrays as
 * raw bytes, each 8-byte aligned, so loading them is a view onto the file rather than a parse.
 */
export async function writeSnapshot(
  dir: string,
  state: EngineState,
): Promise<{ path: string; bytes: number }> {
  await mkdir(dir, { recursive: true });
  await removeStaleTemps(dir);
  const { arrays, ...rest } = state;
  const toc: ArrayEntry[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [name, array] of Object.entries(arrays)) {
    const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    toc.push([name, kindOf(array), offset, array.length]);
    parts.push(bytes);
    offset += bytes.length;
    const pad = (8 - (offset % 8)) % 8;
    if (pad) parts.push(Buffer.alloc(pad));
    offset += pad;
  }
  const json = Buffer.from(JSON.stringify({ ...rest, toc }), 'utf8');
  const jsonPad = Buffer.alloc((8 - ((8 + json.length) % 8)) % 8);
  const lead = Buffer.alloc(8);
  lead.writeUInt32LE(json.length, 0);
  const body = [lead, json, jsonPad, ...parts];
  const length = body.reduce((n, b) => n + b.length, 0);
  const hash = createHash('sha256');
  for (const b of body) hash.update(b);
  const line = `${MAGIC} ${SNAPSHOT_FORMAT} ${indexOptionsHash()} ${hash.digest('hex')} ${length}`;
  // The header is padded so that the body, and so every array in it, starts 8-byte aligned in the file.
  const header = Buffer.from(`${line.padEnd(line.length + ((8 - ((line.length + 1) % 8)) % 8))}\n`, 'utf8');
  const target = path.join(dir, SNAPSHOT_FILE);
  const temp = path.join(dir, `${SNAPSHOT_FILE}.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(temp, 'w', 0o644);
  try {
    await handle.writev([header, ...body]);
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
  return { path: target, bytes: header.length + length };
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
  const header =
    newline > 0 ? bytes.subarray(0, Math.min(newline, 300)).toString('utf8').trim().split(' ') : [];
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
    return decodeBody(body);
  } catch (err) {
    throw new AppError('SNAPSHOT_CORRUPT', { detail: 'the body does not decode' }, { cause: err });
  }
}

function decodeBody(body: Buffer): EngineState {
  const jsonLength = body.readUInt32LE(0);
  const { toc, ...rest } = JSON.parse(body.toString('utf8', 8, 8 + jsonLength)) as Omit<
    EngineState,
    'arrays'
  > & { toc: ArrayEntry[] };
  const start = 8 + jsonLength + ((8 - ((8 + jsonLength) % 8)) % 8);
  const arrays: Record<string, SnapshotArray> = {};
  for (const [name, kind, offset, count] of toc) {
    const Type = ARRAY_TYPES[kind];
    const from = start + offset;
    if (!Type || from + count * Type.BYTES_PER_ELEMENT > body.length) throw new Error(`array ${name} is cut`);
    const at = body.byteOffset + from;
    const buffer = body.buffer as ArrayBuffer;
    // A view onto the file's bytes when aligned (the writer aligns them); a copy otherwise.
    arrays[name] =
      at % Type.BYTES_PER_ELEMENT === 0
        ? new Type(buffer, at, count)
        : new Type(buffer.slice(at, at + count * Type.BYTES_PER_ELEMENT));
  }
  return { ...rest, arrays } as EngineState;
}

function kindOf(array: SnapshotArray): ArrayKind {
  for (const [kind, Type] of Object.entries(ARRAY_TYPES)) if (array instanceof Type) return kind as ArrayKind;
  throw new Error('unsupported array type');
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
