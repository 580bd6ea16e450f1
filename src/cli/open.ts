import path from 'node:path';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { LiveIndex, type RefreshSummary } from '../search/refresh.js';

/**
 * Opens the index for a corpus folder the way every command does: the configured corpus uses the
 * snapshot; another folder (`--corpus DIR`) is indexed in memory and never written to. Refuses a
 * corpus that does not exist or holds no article, after reporting each file it skipped.
 */
export async function openCorpus(
  config: Config,
  log: Logger,
  corpusDir = config.CORPUS_DIR,
  onProgress?: (done: number, total: number) => void,
): Promise<{ index: LiveIndex; summary: RefreshSummary }> {
  const own = path.resolve(corpusDir) === path.resolve(config.CORPUS_DIR);
  const opened = await LiveIndex.open({
    corpusDir,
    snapshotDir: config.SNAPSHOT_DIR,
    maxBytes: config.MAX_ARTICLE_BYTES,
    log,
    onProgress,
    readOnly: !own,
  });
  if (opened.summary.articles === 0) throw new AppError('CORPUS_EMPTY', { detail: corpusDir });
  return opened;
}
