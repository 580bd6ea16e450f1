import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import { BOT_READING, leftOnDisk, SearchEngine } from './engine.js';
import { elapsed, type KnownArticle, type RefreshSummary, refreshRuns, scanCorpus } from './scan.js';
import { runNow, runSliced } from './slices.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';

export type { RefreshSummary } from './scan.js';

export interface IndexOptions {
  corpusDir: string;
  snapshotDir: string;
  maxBytes: number;
  log?: Logger | undefined;
  /** Called as files are read, for a progress bar. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Called once the corpus folder is listed (see `refreshRuns`). */
  onListed?: (() => void) | undefined;
  /** Skip writing the snapshot (read-only use, e.g. `ask --corpus` on another folder). */
  readOnly?: boolean | undefined;
  /**
   * Answer from a large snapshot while its lazily read arrays are still being checked in a worker
   * thread (the bot: a faster start), instead of checking before returning (one-shot commands).
   * `openIndex` then returns the pending check; `LiveIndex` rebuilds if it fails.
   */
  verifyInBackground?: boolean | undefined;
  /** Lazily read bytes from which the check runs in a worker thread (default 8 MB; tests lower it). */
  workerCheckBytes?: number | undefined;
  /**
   * Read a small snapshot's lazily read arrays into memory in the background once checked (the bot,
   * which answers many questions: `heldInMemory`). One-shot commands leave them on disk: they would
   * only wait for the reads before they could exit.
   */
  holdInMemory?: boolean | undefined;
}

/**
 * Opens the index for a corpus folder: loads the snapshot when it matches the current index options,
 * applies the articles added, changed and removed since (by content hash), and writes the snapshot
 * back when anything changed. A corrupt, truncated or mismatched snapshot is rebuilt with a warning.
 */
export async function openIndex(
  options: IndexOptions,
): Promise<{ engine: SearchEngine; summary: RefreshSummary; verified: Promise<void> }> {
  const started = performance.now();
  let engine: SearchEngine | undefined;
  let snapshot: RefreshSummary['snapshot'] = 'created';
  let verified = Promise.resolve();
  try {
    const state = await readSnapshot(options.snapshotDir, {
      ...(options.holdInMemory ? BOT_READING : { lazy: leftOnDisk }),
      workerCheckBytes: options.workerCheckBytes,
    });
    if (state) {
      if (!options.verifyInBackground) await state.lazy?.verified;
      verified = state.lazy?.verified ?? verified;
      engine = SearchEngine.fromState(state);
      snapshot = 'loaded';
    }
  } catch (err) {
    options.log?.warn(
      { err: isAppError(err) ? undefined : err, reason: (err as Error).message },
      'index snapshot unusable, rebuilding',
    );
    snapshot = 'rebuilt';
  }
  engine ??= SearchEngine.create();
  // In slices: no one answers from this engine yet, but a rebuild after a damaged snapshot makes it
  // while the bot answers from the old one (100k articles take ~40 s to analyze).
  const { summary } = await updateIndex(engine, { ...options, readOnly: true }, { sliced: true });
  if (summary.snapshot === 'updated' && snapshot === 'loaded') snapshot = 'updated';
  if (!options.readOnly && snapshot !== 'loaded')
    await writeSnapshot(options.snapshotDir, await engine.toStateSliced());
  return {
    engine,
    summary: { ...summary, snapshot: options.readOnly ? 'none' : snapshot, seconds: elapsed(started) },
    verified,
  };
}

/**
 * Brings an engine up to date with the corpus folder. Files are read and parsed first; the changes are
 * then applied in one synchronous step, so questions answered meanwhile see the old corpus until the
 * new one is complete. Unchanged files (same content hash) are not parsed again.
 */
export async function refreshIndex(engine: SearchEngine, options: IndexOptions): Promise<RefreshSummary> {
  return (await updateIndex(engine, options)).summary;
}

/**
 * `refreshIndex`, with the changes applied in place (at once, or in slices when no one answers from
 * the engine yet), or (`fork`) to a copy that is packed in slices between which the event loop turns
 * and handed to `ready` before the snapshot is written: the running bot answers from the old engine,
 * whole, until the new one can take over.
 */
async function updateIndex(
  engine: SearchEngine,
  options: IndexOptions,
  how: { sliced?: boolean; fork?: { ready: (engine: SearchEngine) => void } } = {},
): Promise<{ engine: SearchEngine; summary: RefreshSummary }> {
  const { fork } = how;
  const started = performance.now();
  const known: Map<string, KnownArticle> = engine.articleHashes();
  const { incoming, added, changed, removed, problems } = await scanCorpus(known, options);

  const dirty = removed.length + incoming.length > 0;
  let target = engine;
  if (dirty && fork) {
    target = await engine.forkWith(removed, incoming);
    fork.ready(target);
  } else if (how.sliced) {
    await runSliced(engine.changeSteps(removed, incoming));
  } else {
    runNow(engine.changeSteps(removed, incoming));
  }
  if (dirty && !options.readOnly) await writeSnapshot(options.snapshotDir, await target.toStateSliced());
  const size = target.size;
  const summary: RefreshSummary = {
    ...size,
    added,
    changed,
    removed,
    problems,
    snapshot: dirty ? 'updated' : 'loaded',
    seconds: elapsed(started),
  };
  return { engine: target, summary };
}

/**
 * The index a running program answers from. Refreshes run as `refreshRuns` says (one at a time; one
 * asked for while another runs joins it or the next), and a rebuild after a damaged snapshot takes its
 * turn among them, so no two of them ever replace the engine from different starting points.
 */
export class LiveIndex {
  engine: SearchEngine;
  private readonly run: () => Promise<RefreshSummary>;
  /** The refresh or rebuild running, and those waiting: each starts when the one before has settled. */
  private turns: Promise<unknown> = Promise.resolve();

  constructor(engine: SearchEngine, options: IndexOptions) {
    this.engine = engine;
    this.run = refreshRuns((listed) =>
      this.inTurn(async () => {
        const { summary } = await updateIndex(
          this.engine,
          { ...options, onListed: listed },
          {
            fork: {
              ready: (engine) => {
                this.engine = engine;
              },
            },
          },
        );
        return summary;
      }),
    );
  }

  static async open(options: IndexOptions): Promise<{ index: LiveIndex; summary: RefreshSummary }> {
    const { engine, summary, verified } = await openIndex(options);
    const index = new LiveIndex(engine, options);
    index.checked = verified.catch((err: unknown) => index.inTurn(() => index.rebuild(err, options)));
    return { index, summary };
  }

  /** Settles once the snapshot's background check is done, and the index rebuilt if it failed. */
  checked: Promise<void> = Promise.resolve();

  private inTurn<T>(task: () => Promise<T>): Promise<T> {
    const turn = this.turns.then(task);
    this.turns = turn.catch(() => undefined);
    return turn;
  }

  /**
   * The snapshot answered from turned out damaged (its background check failed): the index is rebuilt
   * from the corpus folder, the snapshot rewritten, and the new engine swapped in whole.
   */
  private async rebuild(err: unknown, options: IndexOptions): Promise<void> {
    options.log?.warn({ reason: (err as Error).message }, 'index snapshot damaged, rebuilding');
    try {
      const { engine } = await openIndex({ ...options, verifyInBackground: false });
      this.engine = engine;
    } catch (failure) {
      // Nothing to swap in: the loaded engine keeps answering, and the next start rebuilds.
      options.log?.error({ err: failure }, 'index rebuild after a damaged snapshot failed');
    }
  }

  /** Refreshes from the corpus folder (see `refreshRuns` for calls made while one runs). */
  refresh(): Promise<RefreshSummary> {
    return this.run();
  }
}
