import type { Article } from '../corpus/article.js';
import {
  articleInput,
  decodeText,
  type LoadProblem,
  listArticleFiles,
  parseArticle,
  readArticleBytes,
} from '../corpus/load.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import { SearchEngine } from './engine.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';

export interface IndexOptions {
  corpusDir: string;
  snapshotDir: string;
  maxBytes: number;
  log?: Logger | undefined;
  /** Called as files are read, for a progress bar. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Skip writing the snapshot (read-only use, e.g. `ask --corpus` on another folder). */
  readOnly?: boolean | undefined;
}

/** What a build or refresh did. */
export interface RefreshSummary {
  articles: number;
  passages: number;
  sentences: number;
  added: string[];
  changed: string[];
  removed: string[];
  problems: LoadProblem[];
  /** How the snapshot was used: loaded as is, updated incrementally, rebuilt, or not written. */
  snapshot: 'loaded' | 'updated' | 'rebuilt' | 'created' | 'none';
  seconds: number;
}

/**
 * Opens the index for a corpus folder: loads the snapshot when it matches the current index options,
 * applies the articles added, changed and removed since (by content hash), and writes the snapshot
 * back when anything changed. A corrupt, truncated or mismatched snapshot is rebuilt with a warning.
 */
export async function openIndex(
  options: IndexOptions,
): Promise<{ engine: SearchEngine; summary: RefreshSummary }> {
  const started = performance.now();
  let engine: SearchEngine | undefined;
  let snapshot: RefreshSummary['snapshot'] = 'created';
  try {
    const state = await readSnapshot(options.snapshotDir);
    if (state) {
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
  const summary = await refreshIndex(engine, { ...options, readOnly: true });
  if (summary.snapshot === 'updated' && snapshot === 'loaded') snapshot = 'updated';
  if (!options.readOnly && snapshot !== 'loaded') await writeSnapshot(options.snapshotDir, engine.toState());
  return {
    engine,
    summary: { ...summary, snapshot: options.readOnly ? 'none' : snapshot, seconds: elapsed(started) },
  };
}

/**
 * Brings an engine up to date with the corpus folder. Files are read and parsed first; the changes are
 * then applied in one synchronous step, so questions answered meanwhile see the old corpus until the
 * new one is complete. Unchanged files (same content hash) are not parsed again.
 */
export async function refreshIndex(engine: SearchEngine, options: IndexOptions): Promise<RefreshSummary> {
  const started = performance.now();
  const files = await listArticleFiles(options.corpusDir);
  const known = engine.articleHashes();
  const seen = new Set<string>();
  const incoming: Article[] = [];
  const problems: LoadProblem[] = [];
  let done = 0;
  for (const file of files) {
    try {
      const bytes = await readArticleBytes(file, { maxBytes: options.maxBytes, root: options.corpusDir });
      const input = articleInput(file, bytes);
      if (seen.has(input.id)) throw new Error(`its id ${input.id} is taken by another file`);
      seen.add(input.id);
      if (known.get(input.id) !== input.hash) incoming.push(parseArticle(decodeText(bytes, file), input));
    } catch (err) {
      const message = (err as Error).message;
      problems.push({ path: file, code: isAppError(err) ? err.code : 'INTERNAL', message });
      options.log?.warn({ file, reason: message }, 'article skipped');
    }
    options.onProgress?.(++done, files.length);
  }
  // A file that failed to read keeps its old version in the index rather than vanishing.
  const failed = new Set(problems.map((p) => p.path));
  const removed = [...known.keys()].filter(
    (id) => !seen.has(id) && !files.some((f) => failed.has(f) && engine.getArticle(id)?.path === f),
  );
  const added = incoming.filter((a) => !known.has(a.id)).map((a) => a.id);
  const changed = incoming.filter((a) => known.has(a.id)).map((a) => a.id);

  for (const id of removed) engine.remove(id);
  for (const article of incoming) engine.add(article);

  const dirty = removed.length + incoming.length > 0;
  if (dirty && !options.readOnly) await writeSnapshot(options.snapshotDir, engine.toState());
  const size = engine.size;
  return {
    ...size,
    added,
    changed,
    removed,
    problems,
    snapshot: dirty ? 'updated' : 'loaded',
    seconds: elapsed(started),
  };
}

const elapsed = (since: number) => Math.round((performance.now() - since) / 10) / 100;

/**
 * The index a running program answers from. Refreshes are coalesced: a refresh asked for while one
 * runs joins it instead of starting a second.
 */
export class LiveIndex {
  engine: SearchEngine;
  private running: Promise<RefreshSummary> | undefined;

  constructor(
    engine: SearchEngine,
    private readonly options: IndexOptions,
  ) {
    this.engine = engine;
  }

  static async open(options: IndexOptions): Promise<{ index: LiveIndex; summary: RefreshSummary }> {
    const { engine, summary } = await openIndex(options);
    return { index: new LiveIndex(engine, options), summary };
  }

  /** Refreshes from the corpus folder; concurrent calls share one run. */
  refresh(): Promise<RefreshSummary> {
    this.running ??= refreshIndex(this.engine, this.options).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }
}
