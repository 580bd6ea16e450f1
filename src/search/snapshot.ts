import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, read, readSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { syncDir } from '../corpus/sync.js';
import { AppError } from '../errors.js';
import type { EngineState } from './engine.js';
import { indexOptionsHash, SNAPSHOT_FORMAT } from './options.js';
import { runNow, runSliced, type Steps } from './slices.js';

export const SNAPSHOT_FILE = 'index.snapshot';
const MAGIC = 'newsdesk-snapshot';
/** Guards against damaged files, not tampering: a fast modern hash (BLAKE2b: ~3x SHA-256's speed here). */
const HASH = 'blake2b512';

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

/**
 * A table-of-contents entry: where an array starts in the body, its type, its element count, and the
 * checksum of its bytes (so an array read at load is checked from memory, and one left on disk can be
 * checked apart from the rest).
 */
type ArrayEntry = [name: string, kind: ArrayKind, offset: number, length: number, digest: string];

/**
 * Writes engine state atomically: to a temporary file in the same folder, flushed to disk, then renamed
 * over the old snapshot (and the folder flushed), so a crash at any point leaves either the old snapshot
 * or the new one, never a torn file. The first line holds the format, the options hash, the checksum of
 * the JSON part and the length of the body, so a truncated or corrupted file is detected on load. The
 * body is a small JSON part (article metadata, vocabulary, a table of contents with each array's own
 * checksum) followed by the state's typed arrays as raw bytes, each 8-byte aligned, so loading them is a
 * read into memory rather than a parse.
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
    // Hashed in slices: the running bot saves a large index between questions.
    toc.push([name, kindOf(array), offset, array.length, await runSliced(digestSteps(bytes))]);
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
  const hash = createHash(HASH).update(lead).update(json).update(jsonPad);
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

/** Options of `readSnapshot`. */
export interface ReadOptions {
  /**
   * Arrays left on disk and read a slice at a time when needed (`EngineState.lazy`), not at load: by
   * name, or as a rule on the name and the snapshot file's size.
   */
  lazy?: readonly string[] | ((name: string, snapshotBytes: number) => boolean);
  /**
   * Whether the lazy arrays of a snapshot of this size are read into memory all the same, in the
   * background (`LazyArrays.held`): a slice then costs a copy, not a system call. The load is as fast
   * as when they stay on disk, and they are checked as `LazyArrays.verified` says.
   */
  resident?: ((snapshotBytes: number) => boolean) | undefined;
  /** Lazy bytes (in all) from which they are checked in a worker thread; default `WORKER_HASH_BYTES`. */
  workerCheckBytes?: number | undefined;
}

/** Arrays of a snapshot left on disk: slices are read on demand from the file, which is kept open. */
export interface LazyArrays {
  has(name: string): boolean;
  /** Elements `from .. from + count` of a lazy array (a copy, safe to keep). */
  read(name: string, from: number, count: number): SnapshotArray;
  /** Elements from `from` of a lazy array into `target` (as many as it holds), reusing its memory. */
  readInto(name: string, from: number, target: SnapshotArray): void;
  /**
   * Elements `from .. from + count` of a lazy array held in memory, without a copy (never to be written
   * to); `undefined` while it is only on disk.
   */
  view(name: string, from: number, count: number): SnapshotArray | undefined;
  /**
   * Settles once every lazy array's checksum has been checked: rejects with `SNAPSHOT_CORRUPT` when one
   * does not match. Small snapshots are checked before `readSnapshot` returns; large ones in a worker
   * thread while the engine already answers.
   */
  verified: Promise<void>;
  /**
   * Settles once the arrays are held in memory (`ReadOptions.resident`), or at once when they stay on
   * disk. Until then, slices are read from the file.
   */
  held: Promise<void>;
}

/** Lazy arrays at least this big in all are checksummed in a worker thread while the engine runs. */
const WORKER_HASH_BYTES = 8 * 2 ** 20;
const CHUNK = 4 * 2 ** 20;
const openFiles = new FinalizationRegistry<number>((fd) => closeSync(fd));

/**
 * Reads a snapshot. Returns `undefined` when there is none; throws `SNAPSHOT_MISMATCH` when it was built
 * with another format or other index options, and `SNAPSHOT_CORRUPT` when it is truncated or damaged.
 * The JSON part and every array read into memory are checked against their checksums here; arrays
 * named in `options.lazy` are left on disk, read slice by slice when asked for, and checked as
 * `LazyArrays.verified` says.
 */
export async function readSnapshot(dir: string, options: ReadOptions = {}): Promise<EngineState | undefined> {
  let fd: number;
  try {
    fd = openSync(path.join(dir, SNAPSHOT_FILE), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('SNAPSHOT_CORRUPT', { detail: (err as Error).message }, { cause: err });
  }
  let keepOpen = false;
  try {
    const size = fstatSync(fd).size;
    const head = readAt(fd, 0, Math.min(size, 300));
    const newline = head.indexOf(10);
    const header = newline > 0 ? head.subarray(0, newline).toString('utf8').trim().split(' ') : [];
    const [magic, format, optionsHash, digest, length] = header;
    if (magic !== MAGIC || !digest || !length) {
      throw new AppError('SNAPSHOT_CORRUPT', { detail: 'the header is missing' });
    }
    if (Number(format) !== SNAPSHOT_FORMAT || optionsHash !== indexOptionsHash()) {
      throw new AppError('SNAPSHOT_MISMATCH', { detail: `format ${format}, options ${optionsHash}` });
    }
    const start = newline + 1;
    if (size - start !== Number(length)) {
      throw new AppError('SNAPSHOT_CORRUPT', { detail: `${size - start} of ${length} bytes` });
    }
    const state = decodeBody(fd, start, size, digest, options);
    keepOpen = state.lazy !== undefined;
    return state;
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}

function decodeBody(
  fd: number,
  start: number,
  size: number,
  digest: string,
  options: ReadOptions,
): EngineState {
  const lead = readAt(fd, start, 8);
  const jsonLength = lead.readUInt32LE(0);
  if (start + 8 + jsonLength > size) corrupt('the table of contents is cut');
  const json = readAt(fd, start + 8, jsonLength);
  const base = start + 8 + jsonLength + ((8 - ((8 + jsonLength) % 8)) % 8);
  const jsonPad = readAt(fd, start + 8 + jsonLength, base - start - 8 - jsonLength);
  if (createHash(HASH).update(lead).update(json).update(jsonPad).digest('hex') !== digest) {
    corrupt('the checksum of the table of contents does not match');
  }
  const { toc, ...rest } = JSON.parse(json.toString('utf8')) as Omit<EngineState, 'arrays'> & {
    toc: ArrayEntry[];
  };
  const arrays: Record<string, SnapshotArray> = {};
  const lazy = new Map<string, ArrayEntry>();
  const rule = options.lazy;
  const isLazy = (name: string) => (typeof rule === 'function' ? rule(name, size) : !!rule?.includes(name));
  for (const entry of toc) {
    const [name, kind, offset, count, sum] = entry;
    const Type = ARRAY_TYPES[kind];
    if (!Type || base + offset + count * Type.BYTES_PER_ELEMENT > size) corrupt(`array ${name} is cut`);
    if (isLazy(name)) {
      lazy.set(name, entry);
      continue;
    }
    const array = readArray(fd, base + offset, kind, count);
    if (digestOf(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)) !== sum) {
      corrupt(`the checksum of array ${name} does not match`);
    }
    arrays[name] = array;
  }
  if (lazy.size === 0) return { ...rest, arrays } as EngineState;
  const ranges = [...lazy.values()].map(([name, kind, offset, count, sum]) => {
    const from = base + offset;
    return { name, from, to: from + count * ARRAY_TYPES[kind].BYTES_PER_ELEMENT, digest: sum };
  });
  const held = new Map<string, SnapshotArray>();
  const file: LazyArrays = {
    has: (name: string) => lazy.has(name),
    read(name: string, from: number, count: number): SnapshotArray {
      const entry = lazy.get(name);
      if (!entry || from < 0 || from + count > entry[3])
        throw new Error(`no slice ${from}+${count} of ${name}`);
      const array = held.get(name);
      if (array) return array.slice(from, from + count);
      const bytes = ARRAY_TYPES[entry[1]].BYTES_PER_ELEMENT;
      return readArray(fd, base + entry[2] + from * bytes, entry[1], count);
    },
    readInto(name: string, from: number, target: SnapshotArray): void {
      const entry = lazy.get(name);
      const Type = entry && ARRAY_TYPES[entry[1]];
      if (!entry || !Type || !(target instanceof Type) || from < 0 || from + target.length > entry[3]) {
        throw new Error(`no slice ${from}+${target.length} of ${name}`);
      }
      const array = held.get(name);
      if (array) {
        target.set(array.subarray(from, from + target.length) as never);
        return;
      }
      const at = base + entry[2] + from * Type.BYTES_PER_ELEMENT;
      readInto(fd, new Uint8Array(target.buffer, target.byteOffset, target.byteLength), at);
    },
    view(name: string, from: number, count: number): SnapshotArray | undefined {
      const array = held.get(name);
      if (!array) return undefined;
      if (from < 0 || from + count > array.length) throw new Error(`no slice ${from}+${count} of ${name}`);
      return array.subarray(from, from + count);
    },
    verified: verifyRanges(fd, ranges, options.workerCheckBytes ?? WORKER_HASH_BYTES),
    held: Promise.resolve(),
  };
  if (options.resident?.(size)) {
    // Once checked (a damaged snapshot is not worth reading), and only while someone still holds it.
    const owner = new WeakRef(file);
    const entries = [...lazy.values()];
    file.held = file.verified.then(() =>
      holdArrays(fd, base, entries, held, () => owner.deref() !== undefined),
    );
  }
  file.held.catch(() => {});
  // Marked handled: a program that never asks is not stopped by an unhandled rejection; those that
  // await it still see the failure.
  file.verified.catch(() => {});
  // The file stays open while the engine can still read from it; renaming a new snapshot over it
  // does not disturb the open file.
  openFiles.register(file, fd);
  return { ...rest, arrays, lazy: file } as EngineState;
}

/**
 * Checks byte ranges of the file against their checksums: at once when they are small (a corrupt
 * snapshot then fails `readSnapshot` itself), else in a worker thread, settling later.
 */
function verifyRanges(fd: number, ranges: ByteRange[], workerFrom: number): Promise<void> {
  const bytes = ranges.reduce((n, r) => n + r.to - r.from, 0);
  if (bytes < workerFrom) {
    const bad = ranges.find((r) => hashRange(fd, r.from, r.to) !== r.digest);
    if (bad) corrupt(`the checksum of array ${bad.name} does not match`);
    return Promise.resolve();
  }
  return hashInWorker(fd, ranges).then((bad) => {
    if (bad !== null) corrupt(`the checksum of array ${bad} does not match`);
  });
}

interface ByteRange {
  name: string;
  from: number;
  to: number;
  digest: string;
}

function corrupt(detail: string): never {
  throw new AppError('SNAPSHOT_CORRUPT', { detail });
}

function digestOf(bytes: Uint8Array): string {
  return runNow(digestSteps(bytes));
}

/** `digestOf` as steps, a megabyte at a time. */
function* digestSteps(bytes: Uint8Array): Steps<string> {
  const hash = createHash(HASH);
  for (let at = 0; at < bytes.length; at += 2 ** 20) {
    hash.update(bytes.subarray(at, at + 2 ** 20));
    yield;
  }
  return hash.digest('hex');
}

/**
 * Reads lazy arrays whole into `held`, one at a time, on libuv's threads: copying tens of megabytes out
 * of the page cache takes this VM ~4 ms a megabyte, which a start-up should not wait for. A slice asked
 * for meanwhile is read from the file. Stops when no longer `wanted` (the engine was dropped).
 */
async function holdArrays(
  fd: number,
  base: number,
  entries: ArrayEntry[],
  held: Map<string, SnapshotArray>,
  wanted: () => boolean,
): Promise<void> {
  for (const [name, kind, offset, count] of entries) {
    const array = new ARRAY_TYPES[kind](count);
    const bytes = new Uint8Array(array.buffer, 0, array.byteLength);
    for (let done = 0; done < bytes.length; ) {
      if (!wanted()) return;
      const n = await new Promise<number>((resolve, reject) =>
        read(fd, bytes, done, Math.min(bytes.length - done, CHUNK), base + offset + done, (err, n) =>
          err ? reject(err) : resolve(n),
        ),
      );
      if (n === 0) throw new Error('unexpected end of file');
      done += n;
    }
    held.set(name, array);
  }
}

/** Reads `count` elements at byte `position` straight into a new typed array. */
function readArray(fd: number, position: number, kind: ArrayKind, count: number): SnapshotArray {
  const array = new ARRAY_TYPES[kind](count);
  readInto(fd, new Uint8Array(array.buffer, 0, array.byteLength), position);
  return array;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  readInto(fd, buffer, position);
  return buffer;
}

function readInto(fd: number, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.length) {
    const n = readSync(fd, target, done, Math.min(target.length - done, 1 << 30), position + done);
    if (n === 0) throw new Error('unexpected end of file');
    done += n;
  }
}

/** The checksum of bytes `start .. end` of the file, read through one reused buffer. */
function hashRange(fd: number, start: number, end: number): string {
  const hash = createHash(HASH);
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, end - start)));
  for (let at = start; at < end; ) {
    const n = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
    if (n === 0) break;
    hash.update(buffer.subarray(0, n));
    at += n;
  }
  return hash.digest('hex');
}

/** `hashRange` over each range in a worker thread; resolves with the name of the first that does not match. */
function hashInWorker(fd: number, ranges: ByteRange[]): Promise<string | null> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { createHash } = require('node:crypto');
    const { readSync } = require('node:fs');
    const { fd, ranges, chunk, algorithm } = workerData;
    const buffer = Buffer.allocUnsafe(chunk);
    let bad = null;
    for (const { name, from, to, digest } of ranges) {
      const hash = createHash(algorithm);
      for (let at = from; at < to; ) {
        const n = readSync(fd, buffer, 0, Math.min(chunk, to - at), at);
        if (n === 0) break;
        hash.update(buffer.subarray(0, n));
        at += n;
      }
      if (hash.digest('hex') !== digest) { bad = name; break; }
    }
    parentPort.postMessage(bad);
  `;
  const worker = new Worker(source, {
    eval: true,
    workerData: { fd, ranges, chunk: CHUNK, algorithm: HASH },
  });
  // The check runs beside the engine's work; it must not keep a finished program alive.
  worker.unref();
  return new Promise((resolve, reject) => {
    worker.once('message', (bad: string | null) => resolve(bad));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`checksum worker exited with ${code}`));
    });
  });
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
