import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type Interaction, type Message, Partials } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type DiscordServer, guildIdOnShard, shardOf, startDiscordServer } from './discord-server.js';

let server: DiscordServer;
const clients: Client[] = [];
const seen: Array<Array<{ kind: string; id: string }>> = [[], []];

function shardClient(shard: number): Client {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    rest: { api: server.apiUrl },
    shards: shard,
    shardCount: 2,
  });
  client.on(Events.InteractionCreate, (i: Interaction) =>
    seen[shard]!.push({ kind: 'interaction', id: i.id }),
  );
  client.on(Events.MessageCreate, (m: Message) => {
    if (!m.author.bot) seen[shard]!.push({ kind: 'message', id: m.id });
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = await startDiscordServer({
    shards: 2,
    guilds: [
      { id: guildIdOnShard(0, 2), name: 'Alpha' },
      { id: guildIdOnShard(1, 2), name: 'Beta' },
    ],
  });
  for (const shard of [0, 1]) {
    const client = shardClient(shard);
    const ready = once(client, Events.ClientReady);
    await client.login(server.token);
    await ready;
  }
});

afterAll(async () => {
  for (const client of clients) await client.destroy();
  await server?.stop();
});

describe('the fake Discord with two shards', () => {
  it('recommends its shard count and sends each shard only its own guilds', async () => {
    const res = await fetch(`${server.apiUrl}/v10/gateway/bot`, {
      headers: { authorization: `Bot ${server.token}` },
    });
    expect(((await res.json()) as { shards: number }).shards).toBe(2);
    const [alpha, beta] = server.guilds;
    expect(shardOf(alpha!.id, 2)).toBe(0);
    expect(shardOf(beta!.id, 2)).toBe(1);
    expect([...clients[0]!.guilds.cache.keys()]).toEqual([alpha!.id]);
    expect([...clients[1]!.guilds.cache.keys()]).toEqual([beta!.id]);
    expect(server.gatewaySessions.map((s) => s.shard.join('/')).sort()).toEqual(['0/2', '1/2']);
  });

  it("dispatches a guild's interactions and messages to its shard, and DMs to shard 0", async () => {
    seen[0]!.length = 0;
    seen[1]!.length = 0;
    const betaChannel = server.guilds[1]!.channels[0]!.id;
    const interaction = server.sendInteraction({ type: 'command', name: 'ask', channelId: betaChannel });
    const inBeta = server.sendMessage({ content: 'hello beta', channelId: betaChannel });
    const dm = server.sendMessage({ content: 'hello in private', dm: true });
    await server.waitFor(() => seen[0]!.length + seen[1]!.length >= 3);
    expect(seen[1]).toEqual([
      { kind: 'interaction', id: interaction.id },
      { kind: 'message', id: inBeta.id },
    ]);
    expect(seen[0]).toEqual([{ kind: 'message', id: dm.id }]);
  });

  it('closes an IDENTIFY with an impossible shard with 4010', async () => {
    const socket = new WebSocket(`${server.gatewayUrl}?v=10&encoding=json`);
    await once(socket, 'message');
    socket.send(
      JSON.stringify({ op: 2, d: { token: server.token, intents: 1, shard: [2, 2], properties: {} } }),
    );
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(4010);
  });
});
