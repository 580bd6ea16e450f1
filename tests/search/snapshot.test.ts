import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/answer/answer.js';
import { isAppError } from '../../src/errors.js';
import { LAZY_ARRAYS, SearchEngine } from '../../src/search/engine.js';
import { LiveIndex, openIndex } from '../../src/search/refresh.js';
import { readSnapshot, SNAPSHOT_FILE, writeSnapshot } from '../../src/search/snapshot.js';
import { tempCorpus } from '../support/corpus.js';
import { cleanupScope } from '../support/processes.js';

const cleanups = cleanupScope();

async function corpus() {
  const c = await tempCorpus();
  cleanups.push(c.cleanup);
  return c;
}

const QUESTIONS = [
  'What did the Harbour Bank raise its interest rate to?',
  'How many people were evacuated from Millbrook?',
  'Who did Kestrel United sign?',
];

describe('writeSnapshot / readSnapshot', () => {
  it('gives the same answers after a save and a load', async () => {
    const c = await corpus();
    const first = await openIndex({ corpusDir: c.corpusDir, snapshotDir: c.snapshotDir, maxBytes: 1e6 });
    expect(first.summary.snapshot).toBe('created');
    const second = await openIndex({ corpusDir: c.corpusDir, snapshotDir: c.snapshotDir, maxBytes: 1e6 });
    expect(second.summary.snapshot).toBe('loaded');
    expect(second.summary.added).toEqual([]);
    for (const q of QUESTIONS) {
      const a = await answerQuestion(first.engine, q);
      const b = await answerQuestion(second.engine, q);
      expect(b).toEqual(a);
      expect(a.answered).toBe(true);
    }
  });

  it('detects a truncated or corrupted snapshot, and the index rebuilds it', async () => {
    const c = await corpus();
    await openIndex({ corpusDir: c.corpusDir, snapshotDir: c.snapshotDir, maxBytes: 1e6 });
    const file = path.join(c.snapshotDir, SNAPSHOT_FILE);
    const bytes = await readFile(file);

    await writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readSnapshot(c.snapshotDir)).rejects.toSatisfy((e) => isAppError(e, 'SNAPSHOT_CORRUPT'));

    const flipped = Buffer.from(bytes);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 10) ^ 0x20, flipped.length - 10);
    await writeFile(file, flipped);
    await expect(readSnapshot(c.snapshotDir)).rejects.toSatisfy((e) => isAppError(e, 'SNAPSHOT_CORRUPT'));

    await writeFile(file, 'not a snapshot at all');
    const warnings: string[] = [];
    const log = { warn: (_o: unknown, msg: string) => warnings.push(msg) } as never;
    const reopened = await openIndex({
      corpusDir: c.corpusDir,
      snapshotDir: c.snapshotDir,
      maxBytes: 1e6,
      log,
    });
    expect(reopened.summary.snapshot).toBe('rebuilt');
    expect(warnings.join()).toMatch(/rebuilding/);
    expect((await answerQuestion(reopened.engine, QUESTIONS[0]!)).answered).toBe(true);
    expect(await readSnapshot(c.snapshotDir)).toBeDefined();
  });

  it('checks arrays left on disk too: a damaged one fails the load, or, checked in the background, makes the bot rebuild', async () => {
    const c = await corpus();
    const options = { corpusDir: c.corpusDir, snapshotDir: c.snapshotDir, maxBytes: 1e6 };
    const { engine: built } = await openIndex(options);
    const file = path.join(c.snapshotDir, SNAPSHOT_FILE);
    const bytes = await readFile(file);
    const damaged = Buffer.from(bytes);
    const at = arrayOffset(bytes, 'bodies') + 40;
    damaged.writeUInt8(damaged.readUInt8(at) ^ 0x20, at);
    await writeFile(file, damaged);
    for (const resident of [undefined, () => true]) {
      await expect(readSnapshot(c.snapshotDir, { lazy: LAZY_ARRAYS, resident })).rejects.toSatisfy((e) =>
        isAppError(e, 'SNAPSHOT_CORRUPT'),
      );
    }

    // The bot's way: it answers at once while a worker checks, then rebuilds from the corpus folder.
    const warnings: string[] = [];
    const log = { warn: (_o: unknown, msg: string) => warnings.push(msg) } as never;
    const background = { ...options, log, verifyInBackground: true, workerCheckBytes: 0, holdInMemory: true };
    const { index, summary } = await LiveIndex.open(background);
    expect(summary.snapshot).toBe('loaded');
    const loaded = index.engine;
    await index.checked;
    expect(warnings.join()).toMatch(/damaged, rebuilding/);
    expect(index.engine).not.toBe(loaded);
    for (const q of QUESTIONS) {
      expect(await answerQuestion(index.engine, q)).toEqual(await answerQuestion(built, q));
    }
    // The rewritten snapshot passes the check; no second rebuild.
    warnings.length = 0;
    const again = await LiveIndex.open(background);
    await again.index.checked;
    expect(again.summary.snapshot).toBe('loaded');
    expect(warnings).toEqual([]);
  });

  it('refuses a snapshot written with other index options', async () => {
    const c = await corpus();
    await openIndex({ corpusDir: c.corpusDir, snapshotDir: c.snapshotDir, maxBytes: 1e6 });
    const file = path.join(c.snapshotDir, SNAPSHOT_FILE);
    const text = await readFile(file, 'utf8');
    const [magic, format, , ...rest] = text.slice(0, text.indexOf('\n')).split(' ');
    await writeFile(
      file,
      `${[magic, format, '0000000000000000', ...rest].join(' ')}${text.slice(text.indexOf('\n'))}`,
    );
    await expect(readSnapshot(c.snapshotDir)).rejects.toSatisfy((e) => isAppError(e, 'SNAPSHOT_MISMATCH'));
  });

  it('never leaves a torn snapshot when the writer is killed mid-write, and clears its temporary files', async () => {
    const c = await corpus();
    const { engine } = await openIndex({ corpusDir: c.corpusDir, snapshotDir: c.snapshotDir, maxBytes: 1e6 });
    const state = engine.toState();
    // A child process rewrites the snapshot in a loop with a large state; kill it at varied moments.
    const script = `
      import { openIndex } from './src/search/refresh.ts';
      import { writeSnapshot } from './src/search/snapshot.ts';
      const options = { corpusDir: ${JSON.stringify(c.corpusDir)}, snapshotDir: ${JSON.stringify(c.snapshotDir)} };
      const { engine } = await openIndex({ ...options, maxBytes: 1e6, readOnly: true });
      const state = engine.toState();
      const big = { ...state, arrays: { ...state.arrays, filler: new Uint32Array(10_000_000).fill(7) } };
      process.stdout.write('ready\\n');
      for (;;) await writeSnapshot(options.snapshotDir, big);
    `;
    for (const delay of [5, 20, 45, 80]) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const loaded = await readSnapshot(c.snapshotDir);
      expect(loaded?.ids.length).toBeGreaterThan(0);
      expect(SearchEngine.fromState(loaded as NonNullable<typeof loaded>).size.articles).toBe(
        loaded?.ids.length,
      );
    }
    await writeSnapshot(c.snapshotDir, state);
    const leftovers = (await readdir(c.snapshotDir)).filter((f) => f !== SNAPSHOT_FILE);
    expect(leftovers).toEqual([]);
  });
});

/** Byte offset in a snapshot file of the array called `name` (read from its table of contents). */
function arrayOffset(file: Buffer, name: string): number {
  const start = file.indexOf(10) + 1;
  const jsonLength = file.readUInt32LE(start);
  const { toc } = JSON.parse(file.toString('utf8', start + 8, start + 8 + jsonLength)) as {
    toc: [string, string, number, number, string][];
  };
  const base = start + 8 + jsonLength + ((8 - ((8 + jsonLength) % 8)) % 8);
  const entry = toc.find(([n]) => n === name);
  if (!entry) throw new Error(`no array ${name}`);
  return base + entry[2];
}
