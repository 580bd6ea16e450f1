import { loadConfig } from './config.js';
import { isAppError } from './errors.js';
import { createLogger } from './log.js';
import { openServices } from './services.js';

/**
 * newsdesk: parse config → create logger → open the index and state (embedded or PostgreSQL, per
 * STORE) → the HTTP interactions worker (INTERACTIONS=http), or the Discord bot when a token is set, else
 * the local chat in the terminal.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const { services, close } = await openServices(config, log);
  if (config.INTERACTIONS === 'http') {
    const { runHttpWorker } = await import('./bot/http/worker.js');
    await runHttpWorker(services, close);
    return;
  }
  if (!config.DISCORD_TOKEN) {
    const { runConsole } = await import('./bot/console.js');
    await runConsole(services);
    await close();
    return;
  }
  const { createClient } = await import('./bot/client.js');
  const { client } = createClient(services);
  const stop = () => {
    log.info('shutting down');
    void client
      .destroy()
      .then(close)
      .finally(() => process.exit(0));
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
