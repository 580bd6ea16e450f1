import type { Services } from '../../../commands/types.js';
import { startInteractionServer } from './server.js';

/**
 * Runs this process as an HTTP interactions worker (INTERACTIONS=http): the endpoint on HTTP_HOST:
 * HTTP_PORT until SIGINT or SIGTERM, then stops taking requests, lets the interactions in progress
 * finish, runs `onStop` (closing the store) and exits. No gateway connection and no bot token: mentions
 * and DMs are not seen in this mode.
 */
export async function runHttpWorker(services: Services, onStop?: () => Promise<unknown>): Promise<void> {
  const log = services.log.child({ module: 'http' });
  const server = await startInteractionServer(services);
  log.info(
    { endpoint: `${server.url}/interactions` },
    'HTTP interactions worker ready (mentions and DMs need a gateway process)',
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down');
    void server
      .close()
      .then(() => onStop?.())
      .catch((err: unknown) => log.error({ err }, 'shutdown failed'))
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
