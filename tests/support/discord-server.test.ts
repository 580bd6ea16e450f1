import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  MessageFlags,
  Partials,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type DiscordServer, startDiscordServer } from './discord-server.js';

const ACK_WINDOW_MS = 400;

/** Every TCP connection the process opens during the suite, as host:port — proof nothing leaves the box. */
const outbound: string[] = [];
const originalConnect = net.Socket.prototype.connect;

function watchOutboundConnections(): void {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // net.connect passes its normalised [options, callback] array; direct calls pass options or a port.
    const first: unknown = Array.isArray(args[0]) ? args[0][0] : args[0];
    if (typeof first === 'object' && first !== null) {
      const options = first as { host?: string; path?: string; port?: number };
      outbound.push(options.path ?? `${options.host ?? 'localhost'}:${options.port}`);
    } else {
      outbound.push(`${typeof args[1] === 'string' ? args[1] : 'localhost'}:${String(first)}`);
    }
    return Reflect.apply(originalConnect, this, args) as net.Socket;
  } as typeof originalConnect;
}

/** What the bot under test does; a miniature of the real bot's behaviour, enough to drive each flow. */
function attachHandlers(client: Client, outcomes: Map<string, Promise<unknown>>): void {
  // Outcomes are kept so tests can assert on the bot's errors; the no-op catch stops Node from calling a
  // rejection unhandled before the test gets to await it.
  const keep = (id: string, outcome: Promise<unknown>) => {
    outcome.catch(() => undefined);
    outcomes.set(id, outcome);
  };
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    keep(interaction.id, handleInteraction(interaction));
  });
  client.on(Events.MessageCreate, (message: Message) => {
    if (message.author.bot) return;
    if (message.channel.isDMBased() || message.mentions.users.has(client.user?.id ?? '')) {
      keep(
        message.id,
        message.reply({
          content: `You asked: ${message.content}`,
          allowedMentions: { parse: [], repliedUser: false },
        }),
      );
    }
  });
}

async function handleInteraction(interaction: Interaction): Promise<unknown> {
  if (interaction.isAutocomplete()) {
    const typed = interaction.options.getFocused().toLowerCase();
    const topics = ['elections', 'economy', 'energy', 'sport'].filter((topic) => topic.startsWith(typed));
    return interaction.respond(topics.map((topic) => ({ name: topic, value: topic })));
  }
  if (interaction.isButton()) {
    return interaction.update({ content: `More about ${interaction.customId}`, components: [] });
  }
  if (!interaction.isChatInputCommand()) return undefined;
  switch (interaction.commandName) {
    case 'ask': {
      await interaction.deferReply();
      const question = interaction.options.getString('question', true);
      const limit = interaction.options.getInteger('limit') ?? 1;
      const detailed = interaction.options.getBoolean('detailed') ?? false;
      const article = interaction.options.getAttachment('article');
      // Downloading the attachment proves its URL points at the fake, not at cdn.discordapp.com.
      const text = article ? await (await fetch(article.url)).text() : '';
      return interaction.editReply({
        content: `Q: ${question} | limit ${limit} | detailed ${detailed} | ${text.length} chars from ${article?.name}`,
        allowedMentions: { parse: [] },
      });
    }
    case 'menu':
      return interaction.reply({
        content: 'Top story',
        components: [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId('elections').setLabel('More').setStyle(ButtonStyle.Primary),
          ),
        ],
        allowedMentions: { parse: [] },
      });
    case 'brief':
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      return interaction.followUp({ content: 'Only you can see this', allowedMentions: { parse: [] } });
    case 'long':
      return interaction.reply({ content: 'x'.repeat(2001), allowedMentions: { parse: [] } });
    case 'slow':
      await sleep(ACK_WINDOW_MS + 100);
      return interaction.deferReply();
    default:
      return undefined;
  }
}

describe('startDiscordServer', () => {
  let server: DiscordServer;
  let client: Client;
  const outcomes = new Map<string, Promise<unknown>>();
  const outcome = (id: string) =>
    server.waitFor(() => outcomes.get(id), { description: `the bot to handle ${id}` });

  beforeAll(async () => {
    watchOutboundConnections();
    server = await startDiscordServer({ ackWindowMs: ACK_WINDOW_MS, heartbeatIntervalMs: 100 });
    client = new Client({
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMessages,
        GatewayIntentBits.DirectMessages,
        GatewayIntentBits.MessageContent,
      ],
      // Discord sends no CHANNEL_CREATE for DMs, so discord.js needs the partial to see DM messages.
      partials: [Partials.Channel],
      rest: { api: server.apiUrl },
    });
    attachHandlers(client, outcomes);
    const ready = once(client, Events.ClientReady);
    await client.login(server.token);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await server?.stop();
    net.Socket.prototype.connect = originalConnect;
  });

  it('lets the unmodified client log in with nothing but the fake contacted', async () => {
    expect(client.user?.id).toBe(server.botUser.id);
    expect(client.application?.id).toBe(server.applicationId);
    expect(client.guilds.cache.get(server.guild.id)?.name).toBe(server.guild.name);
    expect(client.channels.cache.get(server.channel.id)?.isTextBased()).toBe(true);
    expect(server.gatewaySessions[0]?.intents).toBe(client.options.intents.bitfield);
    // discord.js asks for the gateway URL and nothing else over REST at login.
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toContain('GET /gateway/bot 200');
    expect(server.requests.every((r) => r.authorized)).toBe(true);
    // Heartbeats are acknowledged, so the client measures a ping instead of declaring the link a zombie.
    await server.waitFor(() => client.ws.ping >= 0, { description: 'a heartbeat ACK' });
    const port = new URL(server.apiUrl).port;
    expect(outbound.length).toBeGreaterThan(0);
    expect(outbound.every((target) => target === `127.0.0.1:${port}`)).toBe(true);
    expect(server.unexpectedRequests).toEqual([]);
  });

  it('shows the final content of a deferred then edited slash-command reply', async () => {
    const { id } = server.sendInteraction({
      type: 'command',
      name: 'ask',
      options: {
        question: 'Who won the election?',
        limit: 3,
        detailed: true,
        article: { filename: 'results.txt', content: 'The incumbent won by 4 points.' },
      },
    });
    const reply = await server.waitForInteractionResponse(id);
    expect(reply.content).toBe(
      'Q: Who won the election? | limit 3 | detailed true | 30 chars from results.txt',
    );
    expect(reply.mentions).toEqual([]);
    const calls = server.requests.filter((r) => r.interactionId === id);
    expect(calls.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      'POST /interactions/:interactionId/:token/callback 204',
      'PATCH /webhooks/:appId/:token/messages/:messageId 200',
    ]);
    expect(calls[0]?.body).toMatchObject({ type: 5 });
    expect(calls[0]?.sinceInteractionMs).toBeLessThan(ACK_WINDOW_MS);
  });

  it('turns the first follow-up to an ephemeral defer into the ephemeral reply itself', async () => {
    const { id } = server.sendInteraction({ type: 'command', name: 'brief', dm: true });
    await outcome(id);
    const reply = await server.waitForInteractionResponse(id);
    expect(reply.content).toBe('Only you can see this');
    expect(reply.flags).toBe(MessageFlags.Ephemeral);
    expect(server.interaction(id)?.followUpIds).toEqual([]);
  });

  it('stores bulk-overwritten commands, keeps their ids, and types options by their definitions', async () => {
    const ask = {
      name: 'ask',
      description: 'Ask about the news',
      options: [
        { name: 'question', description: 'Your question', type: 3, required: true },
        { name: 'limit', description: 'How many sources', type: 10 },
      ],
    };
    const first = await client.application?.commands.set([ask]);
    const second = await client.application?.commands.set([ask]);
    expect(second?.first()?.id).toBe(first?.first()?.id);
    expect(server.commands.global.map((command) => command.name)).toEqual(['ask']);
    await expect(client.application?.commands.set([{ ...ask, name: 'Ask' }])).rejects.toMatchObject({
      status: 400,
    });

    const { payload } = server.sendInteraction({
      type: 'command',
      name: 'ask',
      options: { question: 'q', limit: 2 },
    });
    expect(payload.data).toMatchObject({
      id: first?.first()?.id,
      options: [
        { name: 'question', type: 3, value: 'q' },
        { name: 'limit', type: 10, value: 2 },
      ],
    });
  });

  it('updates the message a button sits on', async () => {
    const menu = server.sendInteraction({ type: 'command', name: 'menu' });
    const original = await server.waitForInteractionResponse(menu.id);
    expect(original.components).toHaveLength(1);

    const click = server.sendInteraction({ type: 'button', customId: 'elections' });
    const updated = await server.waitForInteractionResponse(click.id);
    expect(updated.id).toBe(original.id);
    expect(updated.content).toBe('More about elections');
    expect(updated.components).toEqual([]);
    expect(server.interaction(click.id)?.callbacks.map((c) => c.type)).toEqual([7]);
  });

  it('returns autocomplete choices for the focused option', async () => {
    const { id } = server.sendInteraction({
      type: 'autocomplete',
      name: 'ask',
      options: { question: 'e' },
      focused: 'question',
    });
    expect(await server.waitForAutocompleteChoices(id)).toEqual([
      { name: 'elections', value: 'elections' },
      { name: 'economy', value: 'economy' },
      { name: 'energy', value: 'energy' },
    ]);
  });

  it('answers a mention with a reply that pings nobody, in a guild and in a DM', async () => {
    const asked = server.sendMessage({ content: 'what happened today?', mentionBot: true });
    const reply = await server.waitForChannelMessage(
      server.channel.id,
      (m) => m.message_reference?.message_id === asked.id,
    );
    expect(reply.content).toBe(`You asked: <@${server.botUser.id}> what happened today?`);
    expect(reply.mentions).toEqual([]);

    const dm = server.sendMessage({ content: 'any news?', dm: true });
    const dmReply = await server.waitForChannelMessage(dm.channel_id);
    expect(dmReply.content).toBe('You asked: any news?');
  });

  it('rejects content over 2000 characters with 400 and records the violation', async () => {
    const { id } = server.sendInteraction({ type: 'command', name: 'long' });
    await expect(outcome(id)).rejects.toMatchObject({ status: 400, code: 50035 });
    expect(server.limitViolations.at(-1)).toMatchObject({
      interactionId: id,
      errors: [{ path: 'data.content', code: 'BASE_TYPE_MAX_LENGTH' }],
    });
    // A rejected callback does not acknowledge: the interaction can still be answered.
    expect(server.interaction(id)?.acknowledged).toBe(false);
  });

  it('rejects embeds and components over the limits, naming every offending field', async () => {
    const channel = client.channels.cache.get(server.channel.id);
    if (!channel?.isSendable()) throw new Error('the default channel should be sendable');
    const rows = Array.from({ length: 6 }, (_, row) => ({
      type: 1,
      components: [{ type: 2, style: 1, label: 'x'.repeat(81), custom_id: `row-${row}` }],
    }));
    const sent = channel.send({
      embeds: [
        { title: 't'.repeat(257), fields: [{ name: 'Source', value: 'v'.repeat(1025) }] },
        { description: 'd'.repeat(4096) },
        { description: 'd'.repeat(1000) },
      ],
      components: rows,
      allowedMentions: { parse: [] },
    });
    await expect(sent).rejects.toMatchObject({ status: 400, code: 50035 });
    expect(server.limitViolations.at(-1)?.errors.map((e) => `${e.path} ${e.code}`)).toEqual([
      'embeds.0.title BASE_TYPE_MAX_LENGTH',
      'embeds.0.fields.0.value BASE_TYPE_MAX_LENGTH',
      'embeds MAX_EMBED_SIZE_EXCEEDED',
      'components BASE_TYPE_MAX_LENGTH',
      ...rows.map((_, row) => `components.${row}.components.0.label BASE_TYPE_MAX_LENGTH`),
    ]);
  });

  it('rejects an acknowledgement after the window as an unknown interaction', async () => {
    const { id } = server.sendInteraction({ type: 'command', name: 'slow' });
    await expect(outcome(id)).rejects.toMatchObject({ status: 404, code: 10062 });
  });

  it('rejects a second acknowledgement of the same interaction', async () => {
    const { id, token } = server.sendInteraction({ type: 'command', name: 'menu' });
    await server.waitForInteractionResponse(id);
    const response = await fetch(`${server.apiUrl}/v10/interactions/${id}/${token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 4, data: { content: 'again' } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      message: 'Interaction has already been acknowledged.',
      code: 40060,
    });
  });

  it('resumes after a dropped connection and replays what was sent meanwhile', async () => {
    const resumed = once(client, Events.ShardResume);
    expect(server.dropGatewayConnections()).toBe(1);
    const asked = server.sendMessage({ content: 'still there?', mentionBot: true });
    await resumed;
    const reply = await server.waitForChannelMessage(
      server.channel.id,
      (m) => m.message_reference?.message_id === asked.id,
    );
    expect(reply.content).toContain('still there?');
    expect(server.gatewaySessions).toHaveLength(1);
    expect(server.gatewaySessions[0]?.resumes).toBe(1);
  });

  it('fails login with a bad token, over REST and on the gateway', async () => {
    const intruder = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: server.apiUrl } });
    await expect(intruder.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    await intruder.destroy();
    expect(server.requests.at(-1)).toMatchObject({ path: '/gateway/bot', status: 401, authorized: false });

    const socket = new WebSocket(`${server.gatewayUrl}?v=10&encoding=json`);
    socket.on('message', () => socket.send(JSON.stringify({ op: 2, d: { token: 'nope', intents: 1 } })));
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(4004);
  });
});
