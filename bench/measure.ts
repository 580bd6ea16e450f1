import { spawn } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SERVICE_NODE_FLAGS } from '../src/node-flags.js';
import { compileChild } from './compile.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** A full garbage collection, so one engine's leftovers do not count against the next. */
export const collectGarbage = () => collect();

/**
 * Waits until this process has handed back what it freed: RSS steady (within 1%) over half a second,
 * or 20 s at most. After a build of gigabytes, V8 returns pages to the system for seconds on the second
 * core, which a child's cold start measured meanwhile would pay for.
 */
export async function memorySettled(): Promise<void> {
  let last = process.memoryUsage().rss;
  for (let waited = 0; waited < 20_000; waited += 500) {
    await new Promise((r) => setTimeout(r, 500));
    const now = process.memoryUsage().rss;
    if (Math.abs(now - last) <= 0.01 * last) return;
    last = now;
  }
}

/** The q-quantile (0..1) of numbers, by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

/** Runs `fn` and returns its result with the seconds it took. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - started) / 1000 };
}

/** Bytes of every file under a folder. */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(full) : (await stat(full)).size;
  }
  return total;
}

export interface ColdStart {
  /** Spawn of a new Node process to its first answer printed. */
  ms: number;
  importMs: number;
  loadMs: number;
  firstAnswerMs: number;
  heapMb: number;
  rssMb: number;
  /**
   * With a warm job: each warm question's time and top-3 ids, in the job's order, and the RSS after
   * the run (what an engine reads into memory in the background counts there).
   */
  warm?: { times: number[]; answers: number[][]; rssMb?: number };
  /** With a warm job's refresh: its seconds and the longest the event loop waited meanwhile. */
  refresh?: { articles: number; seconds: number; longestPauseMs: number; peakRssMb: number };
}

/** Warm questions for the child to answer after its cold start (see bench/child.ts). */
export interface WarmJob {
  file: string;
  questions: string[];
  /** Questions answered first, untimed: made with another seed than `questions`. */
  warmup: string[];
  budgetMs: number;
  /**
   * After the warm questions: a refresh to make as the running bot makes one (engines that can), with
   * the changed articles (a JSON file of `Article`s) and a folder for the snapshot it writes.
   */
  refresh?: { articlesFile: string; dir: string } | undefined;
}

/**
 * Runs the compiled bench/child.ts, which loads the engine from `dir` and answers `question`; measures
 * spawn → the answer line, and reads the child's own split of that time and its heap and RSS after load
 * (after a full GC). With `warm`, the child then answers the job's questions and reports their times.
 */
export async function coldStart(
  engine: string,
  dir: string,
  question: string,
  warm?: WarmJob,
): Promise<ColdStart> {
  if (warm) {
    const { file, ...job } = warm;
    await writeFile(file, JSON.stringify(job));
  }
  // The working tree is shared with people editing src/: a child that met a half-saved file is retried.
  for (let attempt = 1; ; attempt++) {
    try {
      compiled ??= compileChild();
      return await coldStartOnce(await compiled, [engine, dir, question, ...(warm ? [warm.file] : [])]);
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 10_000));
    }
  }
}

let compiled: Promise<string> | undefined;

function coldStartOnce(childJs: string, args: string[]): Promise<ColdStart> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let answeredMs = 0;
    let out = '';
    let err = '';
    const child = spawn(process.execPath, ['--expose-gc', ...SERVICE_NODE_FLAGS, childJs, ...args], {
      env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (!answeredMs && (out + chunk).includes('"event":"answer"')) answeredMs = performance.now() - started;
      out += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out.split('\n');
      const line = lines.find((l) => l.includes('"event":"figures"'));
      if (code !== 0 || !line) {
        reject(new Error(`cold start of ${args[0]} failed (exit ${code}): ${err.trim().slice(-500)}`));
        return;
      }
      const f = JSON.parse(line) as Omit<ColdStart, 'ms' | 'warm'>;
      const warmLine = lines.find((l) => l.includes('"event":"warm"'));
      const refreshLine = lines.find((l) => l.includes('"event":"refresh"'));
      resolve({
        ms: answeredMs,
        importMs: f.importMs,
        loadMs: f.loadMs,
        firstAnswerMs: f.firstAnswerMs,
        heapMb: f.heapMb,
        rssMb: f.rssMb,
        ...(warmLine ? { warm: JSON.parse(warmLine) as ColdStart['warm'] } : {}),
        ...(refreshLine ? { refresh: JSON.parse(refreshLine) as ColdStart['refresh'] } : {}),
      });
    });
  });
}
