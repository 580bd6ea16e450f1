import { once } from 'node:events';
import { type Client, Events } from 'discord.js';
import type { Services } from '../../commands/types.js';
import { createClient } from '../../src/bot/client.js';
import { deployCommands } from '../../src/bot/deploy.js';
import { type DiscordServer, type DiscordServerOptions, startDiscordServer } from './discord-server.js';
import { testServices } from './services.js';

/**
 * The real bot wiring (services as src/main.ts makes them, createClient, commands deployed) logged in to
 * a fresh local Discord-protocol server. `stop()` logs out, stops the server and removes the corpus copy.
 */
export async function startBot(env: Record<string, string> = {}, serverOptions: DiscordServerOptions = {}) {
  const server: DiscordServer = await startDiscordServer(serverOptions);
  const made = await testServices({
    DISCORD_TOKEN: server.token,
    DISCORD_APPLICATION_ID: server.applicationId,
    DISCORD_GUILD_ID: server.guild.id,
    DISCORD_API_URL: server.apiUrl,
    ...env,
  });
  const services: Services = made.services;
  await deployCommands(services.config);
  const { client }: { client: Client } = createClient(services);
  const ready = once(client, Events.ClientReady);
  await client.login(server.token);
  await ready;
  return {
    server,
    client,
    services,
    corpus: made.corpus,
    stop: async () => {
      await client.destroy();
      await server.stop();
      await made.cleanup();
    },
  };
}

/** The value at quantile `q` (0–1) of `values` (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Acknowledgement and answer times of interactions, from the fake's request log: the first callback's
 * `sinceInteractionMs`, and that of the first PATCH of `@original` (the deferred reply's content).
 */
export function latencies(server: DiscordServer, ids: readonly string[]) {
  const wanted = new Set(ids);
  const answer = new Map<string, number>();
  for (const r of server.requests) {
    if (r.method !== 'PATCH' || !r.interactionId || !wanted.has(r.interactionId)) continue;
    if (!/\/messages\/(?:@|%40)original$/.test(r.path) || answer.has(r.interactionId)) continue;
    answer.set(r.interactionId, r.sinceInteractionMs ?? Number.NaN);
  }
  const ack = ids.map((id) => server.interaction(id)?.callbacks[0]?.sinceInteractionMs ?? Number.NaN);
  return { ack, answer: [...answer.values()] };
}
