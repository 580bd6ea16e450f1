import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type APIUser, type Client, Events } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../commands/types.js';
import { createClient } from '../../src/bot/client.js';
import { deployCommands } from '../../src/bot/deploy.js';
import { type DiscordServer, Permission, startDiscordServer } from '../support/discord-server.js';
import { testServices } from '../support/services.js';

let server: DiscordServer;
let client: Client;
let services: Services;
let cleanup: () => Promise<void>;
let pages: Server;
let pagesUrl: string;

const MEMBER = '0';
const MODERATOR = String(Permission.ManageGuild | Permission.ViewChannel | Permission.SendMessages);

const ARTICLE_PAGE = `<!doctype html><html><head><title>Ferry strike ends | Island Post</title>
<meta property="og:title" content="Ferry strike on Inchmore ends after two weeks">
<meta property="og:site_name" content="Island Post">
<meta property="article:published_time" content="2025-03-03T09:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Ferry strike on Inchmore ends after two weeks</h1>
<p>Ferry crews on the Inchmore route returned to work on Monday, ending a two-week strike over pay that left islanders without a daily sailing.</p>
<p>The operator, Western Isles Shipping, agreed a 6% pay rise backdated to January, the RMT union said.</p>
<p>Shopkeepers on the island said deliveries of fresh food had been cut to two a week during the dispute.</p>
<p>"We are relieved it is over, but the company must plan better," said Morag Dunn, who runs the island's only grocery.</p>
</article><footer>© 2025 Island Post. All rights reserved.</footer></body></html>`;

async function ask(question: string, extra: Record<string, string | number | boolean> = {}, user?: APIUser) {
  const { id } = server.sendInteraction({
    type: 'command',
    name: 'ask',
    options: { question, ...extra },
    ...(user ? { user } : {}),
  });
  const reply = await server.waitForInteractionResponse(id, { timeoutMs: 5000 });
  return { id, reply, embed: reply.embeds?.[0] };
}

beforeAll(async () => {
  pages = createServer((req, res) => {
    if (req.url === '/ferry') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(ARTICLE_PAGE);
    } else {
      res.writeHead(404).end();
    }
  });
  pages.listen(0, '127.0.0.1');
  await once(pages, 'listening');
  pagesUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;

  server = await startDiscordServer();
  const made = await testServices({
    DISCORD_TOKEN: server.token,
    DISCORD_APPLICATION_ID: server.applicationId,
    DISCORD_GUILD_ID: server.guild.id,
    DISCORD_API_URL: server.apiUrl,
    FETCH_ALLOW_PRIVATE: 'true',
    RATE_LIMIT_QUESTIONS: '30',
  });
  services = made.services;
  cleanup = made.cleanup;
  await deployCommands(services.config);
  ({ client } = createClient(services));
  const ready = once(client, Events.ClientReady);
  await client.login(server.token);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await server?.stop();
  pages?.close();
  await cleanup?.();
});

describe('the bot against a Discord-protocol server', () => {
  it('registers its commands, moderator ones with Manage Server as the default permission', () => {
    const commands = server.commands.guilds.get(server.guild.id) ?? [];
    const names = commands.map((c) => c.name).sort();
    expect(names).toEqual([
      'add-article',
      'ask',
      'help',
      'reindex',
      'remove-article',
      'sources',
      'unanswered',
    ]);
    const reindex = commands.find((c) => c.name === 'reindex');
    expect(reindex?.default_member_permissions).toBe(String(Permission.ManageGuild));
  });

  it('answers /ask within the acknowledgement window, quoting the sentence with its sources', async () => {
    const { id, embed } = await ask('What did the Harbour Bank raise its main interest rate to?');
    const state = server.interaction(id);
    expect(state?.callbacks[0]?.type).toBe(5);
    expect(state?.callbacks[0]?.sinceInteractionMs).toBeLessThan(3000);
    expect(embed?.description).toContain('4.5%');
    expect(embed?.description).toMatch(/\*\*interest\*\* \*\*rate\*\*|\*\*rate\*\*/);
    expect(embed?.description).toContain('Northern Ledger');
    expect(embed?.description).toContain('Coastal Wire');
    expect(embed?.description).toContain('https://news.example.org/economy/harbour-bank-rates#:~:text=');
    expect(server.limitViolations).toEqual([]);
  });

  it('pages with "More results", shows context, and keeps 👍 / 👎 feedback', async () => {
    const { reply } = await ask('interest rate inflation bank', { results: 1 });
    const row = reply.components?.[0] as { components: { custom_id: string; label: string }[] } | undefined;
    const buttons = row?.components ?? [];
    expect(buttons.map((b) => b.label)).toEqual(['More results', 'Context', 'Helpful', 'Not helpful']);

    const more = server.sendInteraction({ type: 'button', customId: buttons[0]!.custom_id, message: reply });
    const paged = await server.waitForInteractionResponse(more.id, { timeoutMs: 5000 });
    expect(paged.embeds?.[0]?.description).toMatch(/\*\*2\.\*\*/);

    const ctx = server.sendInteraction({ type: 'button', customId: buttons[1]!.custom_id, message: reply });
    const context = await server.waitForInteractionResponse(ctx.id, { timeoutMs: 5000 });
    expect(context.flags ?? 0).toBe(64);
    expect(context.embeds?.[0]?.title).toBe('Context');

    const up = server.sendInteraction({ type: 'button', customId: buttons[2]!.custom_id, message: reply });
    await server.waitForInteractionResponse(up.id, { timeoutMs: 5000 });
    expect((await services.state.feedbackCounts()).helpful).toBe(1);
  });

  it('says plainly when nothing is confident, and moderators see the question in /unanswered', async () => {
    const { embed } = await ask('What is the best recipe for banana bread?');
    expect(embed?.description).toMatch(/couldn't find a confident answer/);
    const { id } = server.sendInteraction({ type: 'command', name: 'unanswered', permissions: MODERATOR });
    const list = await server.waitForInteractionResponse(id, { timeoutMs: 5000 });
    expect(list.embeds?.[0]?.description).toContain('banana bread');
  });

  it('pings nobody and keeps formatting when a question holds mentions and Markdown', async () => {
    const { reply, embed } = await ask('@everyone <@123456789012345678> **flood** in Millbrook?');
    expect(reply.mentions ?? []).toEqual([]);
    expect(reply.mention_everyone).toBeFalsy();
    expect(embed?.title).not.toContain('@everyone');
    const requests = server.requests.filter((r) => r.method === 'PATCH' || r.method === 'POST');
    for (const r of requests) {
      const body = r.body as { allowed_mentions?: { parse?: unknown[] } } | undefined;
      if (body && ('content' in body || 'embeds' in body)) expect(body.allowed_mentions?.parse).toEqual([]);
    }
  });

  it('refuses moderator commands to ordinary members, even when Discord would let them run', async () => {
    for (const name of ['reindex', 'unanswered', 'add-article', 'remove-article']) {
      const { id } = server.sendInteraction({ type: 'command', name, permissions: MEMBER });
      const reply = await server.waitForInteractionResponse(id, { timeoutMs: 5000 });
      expect(reply.flags ?? 0).toBe(64);
      expect(reply.embeds?.[0]?.description).toMatch(/for moderators/);
    }
  });

  it('adds an article from a URL for a moderator, and answers from it at once', async () => {
    const { id } = server.sendInteraction({
      type: 'command',
      name: 'add-article',
      options: { url: `${pagesUrl}/ferry` },
      permissions: MODERATOR,
    });
    const reply = await server.waitForInteractionResponse(id, { timeoutMs: 8000 });
    expect(reply.embeds?.[0]?.title).toBe('Article added');
    expect(reply.embeds?.[0]?.description).toContain('Island Post');
    const { embed } = await ask('What pay rise did the ferry crews get?');
    expect(embed?.description).toContain('6%');
    expect(embed?.description).toContain('Island Post');
  });

  it('adds an attached article file even when the file host calls it application/octet-stream', async () => {
    const content = [
      '---',
      'title: Library opens on Sundays',
      'source: Millbrook Gazette',
      '---',
      'Millbrook library will open on Sundays from April, the town council said on Wednesday.',
      'The extra hours will cost £18,000 a year and are funded by a local trust.',
    ].join('\n');
    const { id } = server.sendInteraction({
      type: 'command',
      name: 'add-article',
      options: { file: { filename: 'library-sundays.md', content, contentType: 'application/octet-stream' } },
      permissions: MODERATOR,
    });
    const reply = await server.waitForInteractionResponse(id, { timeoutMs: 8000 });
    expect(reply.embeds?.[0]?.title).toBe('Article added');
    expect(reply.embeds?.[0]?.description).toContain('Millbrook Gazette');

    const image = server.sendInteraction({
      type: 'command',
      name: 'add-article',
      options: {
        file: {
          filename: 'photo.png',
          content: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
          contentType: 'image/png',
        },
      },
      permissions: MODERATOR,
    });
    const refused = await server.waitForInteractionResponse(image.id, { timeoutMs: 8000 });
    expect(refused.embeds?.[0]?.description).toContain('not a .txt, .md or .html file');
  });

  it('answers a bad URL with a short private message and an error id', async () => {
    const { id } = server.sendInteraction({
      type: 'command',
      name: 'add-article',
      options: { url: `${pagesUrl}/missing` },
      permissions: MODERATOR,
    });
    const reply = await server.waitForInteractionResponse(id, { timeoutMs: 8000 });
    expect(reply.flags ?? 0).toBe(64);
    expect(reply.embeds?.[0]?.description).toMatch(/error id `[0-9a-f]{8}`/);
  });

  it('offers publishers and articles as /ask source choices, and keeps to the one picked', async () => {
    const { id } = server.sendInteraction({
      type: 'autocomplete',
      name: 'ask',
      options: { source: 'coast' },
      focused: 'source',
    });
    const choices = await server.waitForAutocompleteChoices(id);
    expect(choices.map((c) => c.value)).toContain('publisher:Coastal Wire');
    const { embed } = await ask('interest rate', { source: 'publisher:Coastal Wire' });
    expect(embed?.description).toContain('Coastal Wire');
    expect(embed?.description).not.toContain('Northern Ledger');
  });

  it('answers a message that mentions it, as a reply', async () => {
    const message = server.sendMessage({
      content: 'how many people were evacuated from Millbrook?',
      mentionBot: true,
    });
    const reply = await server.waitForChannelMessage(
      message.channel_id,
      (m) => m.message_reference?.message_id === message.id,
    );
    expect(reply.embeds?.[0]?.description).toMatch(/About 400 \*\*people\*\* were \*\*evacuated\*\*/);
    expect(reply.mentions ?? []).toEqual([]);
  });

  it('lists the sources with /sources', async () => {
    const { id } = server.sendInteraction({ type: 'command', name: 'sources' });
    const reply = await server.waitForInteractionResponse(id, { timeoutMs: 5000 });
    expect(reply.embeds?.[0]?.description).toContain('Hundreds evacuated as River Alder bursts its banks');
  });

  it('tells a user who asks too fast how many questions per how long', async () => {
    const limiter = services.limiter;
    const user = server.createUser({ username: 'speedy' });
    let last: Awaited<ReturnType<typeof ask>> | undefined;
    for (let i = 0; i <= limiter.max; i++) last = await ask(`flood question number ${i}?`, {}, user);
    expect(last?.embed?.description).toContain(
      `${limiter.max} questions every ${limiter.windowMs / 1000} seconds`,
    );
  });
});
