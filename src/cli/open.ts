import path from 'node:path';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { PostgresIndex } from '../search/postgres.js';
import { LiveIndex } from '../search/refresh.js';
import type { RefreshSummary } from '../search/scan.js';
import type { LiveStore } from '../search/store.js';

/**
 * Opens the index for a corpus folder the way every command does: the configured corpus uses the
 * configured store (the embedded snapshot, or PostgreSQL with `STORE=postgres`); another folder
 * (`--corpus DIR`) is indexed in memory and never written anywhere. Refuses a corpus that does not
 * exist or holds no article, after reporting each file it skipped. `close()` releases connections.
 */
export async function openCorpus(
  config: Config,
  log: Logger,
  corpusDir = config.CORPUS_DIR,
  onProgress?: (done: number, total: number) => void,
): Promise<{ index: LiveStore; summary: RefreshSummary; close: () => Promise<void> }> {
  const own = path.resolve(corpusDir) === path.resolve(config.CORPUS_DIR);
  let opened: { index: LiveStore; summary: RefreshSummary; close: () => Promise<void> };
  if (own && config.STORE === 'postgres' && config.DATABASE_URL) {
    const { index, summary } = await PostgresIndex.open({
      url: config.DATABASE_URL,
      corpusDir,
      maxBytes: config.MAX_ARTICLE_BYTES,
      log,
      onProgress,
    });
    opened = { index, summary, close: () => index.close() };
  } else {
    const { index, summary } = await LiveIndex.open({
      corpusDir,
      snapshotDir: config.SNAPSHOT_DIR,
      maxBytes: config.MAX_ARTICLE_BYTES,
      log,
      onProgress,
      readOnly: !own,
    });
    opened = { index, summary, close: async () => {} };
  }
  if (opened.summary.articles === 0) {
    await opened.close();
    throw new AppError('CORPUS_EMPTY', { detail: corpusDir });
  }
  return opened;
}
