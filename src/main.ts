import type { Services } from '../commands/types.js';
import { RateLimiter } from './bot/ratelimit.js';
import { StateStore } from './bot/state.js';
import { loadConfig } from './config.js';
import { isAppError } from './errors.js';
import { createLogger } from './log.js';
import { LiveIndex } from './search/refresh.js';

/**
 * newsdesk: parse config → create logger → open the index → start the Discord bot when a token is set,
 * else the local chat in the terminal.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const { index, summary } = await LiveIndex.open({
    corpusDir: config.CORPUS_DIR,
    snapshotDir: config.SNAPSHOT_DIR,
    maxBytes: config.MAX_ARTICLE_BYTES,
    log: log.child({ module: 'index' }),
  });
  log.info(
    {
      articles: summary.articles,
      sentences: summary.sentences,
      snapshot: summary.snapshot,
      seconds: summary.seconds,
    },
    'index ready',
  );
  const services: Services = {
    config,
    log,
    index,
    state: await StateStore.open(config.STATE_DIR, log.child({ module: 'state' })),
    limiter: new RateLimiter(config.RATE_LIMIT_QUESTIONS, config.RATE_LIMIT_WINDOW_SECONDS * 1000),
  };
  if (!config.DISCORD_TOKEN) {
    const { runConsole } = await import('./bot/console.js');
    await runConsole(services);
    return;
  }
  const { createClient } = await import('./bot/client.js');
  const { client } = createClient(services);
  const stop = () => {
    log.info('shutting down');
    void client.destroy().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await client.login(config.DISCORD_TOKEN);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `newsdesk: ${isAppError(err) ? err.message : ((err as Error)?.stack ?? String(err))}\n`,
  );
  process.exit(1);
});
