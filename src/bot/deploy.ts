import { REST, Routes } from 'discord.js';
import { COMMANDS } from '../../commands/index.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

/**
 * Registers the slash commands with Discord (a bulk overwrite, so removed commands disappear): in one
 * guild when DISCORD_GUILD_ID is set (instant, for development), globally otherwise. Never called at
 * start-up: run `npm run deploy-commands` when the commands change.
 */
export async function deployCommands(config: Config): Promise<{ scope: string; count: number }> {
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    throw new AppError('CONFIG_INVALID', {
      detail: 'DISCORD_TOKEN and DISCORD_APPLICATION_ID are needed to register commands',
    });
  }
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  const body = COMMANDS.map((c) => c.data);
  const route = config.DISCORD_GUILD_ID
    ? Routes.applicationGuildCommands(config.DISCORD_APPLICATION_ID, config.DISCORD_GUILD_ID)
    : Routes.applicationCommands(config.DISCORD_APPLICATION_ID);
  const result = (await rest.put(route, { body })) as unknown[];
  return {
    scope: config.DISCORD_GUILD_ID ? `guild ${config.DISCORD_GUILD_ID}` : 'global',
    count: result.length,
  };
}
