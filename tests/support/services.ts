import type { Services } from '../../commands/types.js';
import { RateLimiter } from '../../src/bot/ratelimit.js';
import { StateStore } from '../../src/bot/state.js';
import { type Config, loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { LiveIndex } from '../../src/search/refresh.js';
import { tempCorpus } from './corpus.js';

/**
 * The bot's services over a throwaway copy of a corpus, as `src/main.ts` wires them, with config keys
 * overridden as a test needs. `cleanup()` removes the copy.
 */
export async function testServices(env: Record<string, string> = {}, from?: string) {
  const corpus = await tempCorpus(from);
  const config: Config = loadConfig({
    CORPUS_DIR: corpus.corpusDir,
    SNAPSHOT_DIR: corpus.snapshotDir,
    STATE_DIR: `${corpus.root}/state`,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const log = silentLogger();
  const { index } = await LiveIndex.open({
    corpusDir: config.CORPUS_DIR,
    snapshotDir: config.SNAPSHOT_DIR,
    maxBytes: config.MAX_ARTICLE_BYTES,
  });
  // `satisfies`, not a type annotation: tests read the in-memory backends synchronously.
  const services = {
    config,
    log,
    index,
    state: await StateStore.open(config.STATE_DIR),
    limiter: new RateLimiter(config.RATE_LIMIT_QUESTIONS, config.RATE_LIMIT_WINDOW_SECONDS * 1000),
  } satisfies Services;
  return { services, corpus, cleanup: corpus.cleanup };
}
