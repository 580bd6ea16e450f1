import { startShards, stopShards } from './bot/shards.js';
import { loadConfig } from './config.js';
import { isAppError } from './errors.js';
import { createLogger } from './log.js';

/**
 * `npm run start:sharded`: the gateway bot as several processes, one per shard (see bot/shards.ts). This
 * process only supervises them; it opens no index and holds no gateway connection itself.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT }).child({
    module: 'shards',
  });
  const manager = await startShards(config, log);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    log.info('stopping shards');
    void stopShards(manager).finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `newsdesk: ${isAppError(err) ? err.message : ((err as Error)?.stack ?? String(err))}\n`,
  );
  process.exit(1);
});
