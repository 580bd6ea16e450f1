import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { Services } from '../../commands/types.js';
import { Dispatcher } from './dispatch.js';

/**
 * Creates the discord.js client with the intents the bot needs: guilds and their messages (mentions
 * carry their content without the privileged intent), direct messages, and Message Content only when
 * channels are configured for free-text questions. REST goes to DISCORD_API_URL.
 */
export function createClient(services: Services): { client: Client; dispatcher: Dispatcher } {
  const intents = [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.DirectMessages,
  ];
  if (services.config.ANSWER_CHANNEL_IDS.length) intents.push(GatewayIntentBits.MessageContent);
  const client = new Client({
    intents,
    partials: [Partials.Channel],
    rest: {
      api: services.config.DISCORD_API_URL,
      // One REST queue is kept per interaction token; sweep idle ones every minute, not every hour, so
      // memory stays flat under a steady stream of questions (measured by `npm run soak`).
      handlerSweepInterval: 60_000,
      // Discord exempts interaction callbacks and webhook edits (nearly all the bot sends) from its
      // 50 requests/s global limit, but discord.js counts them; at 50/s a burst of questions would miss
      // the 3-second acknowledgement window. Other routes that go over get a 429 discord.js waits out.
      globalRequestsPerSecond: 250,
    },
    allowedMentions: { parse: [] },
  });
  const dispatcher = new Dispatcher(services);
  const log = services.log.child({ module: 'bot' });
  client.once(Events.ClientReady, (ready) => {
    log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'connected to Discord');
  });
  client.on(Events.InteractionCreate, (interaction) => {
    void dispatcher.handleInteraction(interaction);
  });
  client.on(Events.MessageCreate, (message) => {
    if (client.user) void dispatcher.handleMessage(message, client.user.id);
  });
  client.on(Events.Error, (err) => log.error({ err }, 'client error'));
  client.on(Events.ShardDisconnect, (event, shard) =>
    log.warn({ code: event.code, shard }, 'gateway disconnected'),
  );
  client.on(Events.ShardResume, (shard) => log.info({ shard }, 'gateway resumed'));
  return { client, dispatcher };
}
