import { deployCommands } from '../bot/deploy.js';
import { runCli } from './run.js';

await runCli('deploy-commands', async ({ config }) => {
  const { scope, count } = await deployCommands(config);
  process.stdout.write(`registered ${count} commands (${scope})\n`);
  return 0;
});
