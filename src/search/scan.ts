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

/** What a build or refresh did; the same for every store. */
export interface RefreshSummary {
  articles: number;
  passages: number;
  sentences: number;
  added: string[];
  changed: string[];
  removed: string[];
  problems: LoadProblem[];
  /**
   * How the stored index was used: loaded as is, updated incrementally, rebuilt, or not written. For the
   * PostgreSQL store, `loaded` means the database already matched the folder and `updated` that it changed.
   */
  snapshot: 'loaded' | 'updated' | 'rebuilt' | 'created' | 'none';
  seconds: number;
}

export interface ScanOptions {
  corpusDir: string;
  maxBytes: number;
  log?: Logger | undefined;
  /** Called as files are read, for a progress bar. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Called once the folder is listed: a file saved after this is not seen by this scan. */
  onListed?: (() => void) | undefined;
}

/** What a store already holds of an article: enough to decide whether its file changed. */
export interface KnownArticle {
  hash: string;
  path: string;
}

/** The difference between a store and the corpus folder, with the new and changed articles parsed. */
export interface CorpusChanges {
  /** Added and changed articles, parsed. */
  incoming: Article[];
  added: string[];
  changed: string[];
  removed: string[];
  problems: LoadProblem[];
}

/**
 * Compares the corpus folder with what a store holds (`known`, by article id) and parses only the files
 * whose content hash differs. A file that fails to read keeps its old version (it is not in `removed`)
 * rather than vanishing from the index; an id taken by two files is reported once, for the second file.
 *
 * @example const { incoming, removed } = await scanCorpus(new Map([['a', { hash, path }]]), { corpusDir, maxBytes })
 */
export async function scanCorpus(
  known: ReadonlyMap<string, KnownArticle>,
  options: ScanOptions,
): Promise<CorpusChanges> {
  const files = await listArticleFiles(options.corpusDir);
  options.onListed?.();
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
      if (known.get(input.id)?.hash !== input.hash)
        incoming.push(parseArticle(decodeText(bytes, file), input));
    } catch (err) {
      const message = (err as Error).message;
      problems.push({ path: file, code: isAppError(err) ? err.code : 'INTERNAL', message });
      options.log?.warn({ file, reason: message }, 'article skipped');
    }
    options.onProgress?.(++done, files.length);
  }
  const failed = new Set(problems.map((p) => p.path));
  const removed = [...known].filter(([id, k]) => !seen.has(id) && !failed.has(k.path)).map(([id]) => id);
  return {
    incoming,
    added: incoming.filter((a) => !known.has(a.id)).map((a) => a.id),
    changed: incoming.filter((a) => known.has(a.id)).map((a) => a.id),
    removed,
    problems,
  };
}

/** Seconds since `since` (a `performance.now()`), rounded to hundredths. */
export const elapsed = (since: number) => Math.round((performance.now() - since) / 10) / 100;

/**
 * Runs refreshes one at a time. A refresh asked for while one runs joins it while that run has not yet
 * listed the corpus folder (the run will see what the caller saved before asking; two `/reindex` at
 * once run as one); asked later, it gets one more run after the current one, shared by everyone who
 * asks meanwhile. So `/add-article`, which saves its file and then asks, always gets a run that sees
 * the file. `task` calls `listed` once it has listed the folder.
 */
export function refreshRuns<T>(task: (listed: () => void) => Promise<T>): () => Promise<T> {
  let current: { promise: Promise<T>; listed: boolean } | undefined;
  let next: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const run: { promise?: Promise<T>; listed: boolean } = { listed: false };
    const promise = task(() => {
      run.listed = true;
    }).finally(() => {
      if (current === run) current = undefined;
    });
    run.promise = promise;
    current = run as { promise: Promise<T>; listed: boolean };
    return promise;
  };
  return () => {
    if (!current) return start();
    if (!current.listed) return current.promise;
    next ??= current.promise
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}
