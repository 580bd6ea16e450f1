import type { Services } from '../commands/types.js';
import { PostgresRateLimiter, PostgresState } from './bot/pg-state.js';
import { RateLimiter } from './bot/ratelimit.js';
import { StateStore } from './bot/state.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { PostgresIndex } from './search/postgres.js';
import { LiveIndex } from './search/refresh.js';
import type { RefreshSummary } from './search/scan.js';

/**
 * Opens what the commands run on, per `STORE`: the embedded index (snapshot) with state in files and an
 * in-process rate limit, or PostgreSQL for all three (one pool), shared by every process. Either way the
 * index is refreshed from `CORPUS_DIR` first. `close()` releases the database connections (a process
 * holding them open would not exit).
 *
 * @example const { services, close } = await openServices(loadConfig(), log)
 */
export async function openServices(
  config: Config,
  log: Logger,
): Promise<{ services: Services; summary: RefreshSummary; close: () => Promise<void> }> {
  const rate = { max: config.RATE_LIMIT_QUESTIONS, windowMs: config.RATE_LIMIT_WINDOW_SECONDS * 1000 };
  if (config.STORE === 'postgres' && config.DATABASE_URL) {
    const { index, summary } = await PostgresIndex.open({
      url: config.DATABASE_URL,
      corpusDir: config.CORPUS_DIR,
      maxBytes: config.MAX_ARTICLE_BYTES,
      log: log.child({ module: 'index' }),
    });
    try {
      const { pool } = index.engine;
      const services: Services = {
        config,
        log,
        index,
        state: await PostgresState.open(pool, log.child({ module: 'state' })),
        limiter: new PostgresRateLimiter(pool, rate.max, rate.windowMs, log.child({ module: 'ratelimit' })),
      };
      logReady(log, 'postgres', summary);
      return { services, summary, close: () => index.close() };
    } catch (err) {
      await index.close();
      throw err;
    }
  }
  const { index, summary } = await LiveIndex.open({
    corpusDir: config.CORPUS_DIR,
    snapshotDir: config.SNAPSHOT_DIR,
    maxBytes: config.MAX_ARTICLE_BYTES,
    log: log.child({ module: 'index' }),
    // The bot answers while a large snapshot's checksums are still being checked (rebuilt if bad).
    verifyInBackground: true,
    // and holds a snapshot up to 160 MB in memory once checked (each shard its own copy).
    holdInMemory: true,
  });
  const services: Services = {
    config,
    log,
    index,
    state: await StateStore.open(config.STATE_DIR, log.child({ module: 'state' })),
    limiter: new RateLimiter(rate.max, rate.windowMs),
  };
  logReady(log, 'embedded', summary);
  return { services, summary, close: async () => {} };
}

function logReady(log: Logger, store: string, summary: RefreshSummary): void {
  const { articles, sentences, snapshot, seconds } = summary;
  log.info({ store, articles, sentences, snapshot, seconds }, 'index ready');
}
