import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../commands/types.js';
import { deployCommands } from '../../src/bot/deploy.js';
import { type InteractionServer, startInteractionServer } from '../../src/bot/http/server.js';
import { loadConfig } from '../../src/config.js';
import {
  type DiscordServer,
  type InteractionsEndpoint,
  Permission,
  signatureHeaders,
  startDiscordServer,
} from '../support/discord-server.js';
import { testServices } from '../support/services.js';

const MEMBER = '0';
const MODERATOR = String(Permission.ManageGuild | Permission.ViewChannel | Permission.SendMessages);

let discord: DiscordServer;
let http: InteractionServer;
let services: Services;
let cleanup: () => Promise<void>;
let endpoint: InteractionsEndpoint;
let otherKey: KeyObject;

/** The raw 32-byte public key as the Developer Portal shows it: 64 hex characters. */
function publicKeyHex(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(String(jwk.x), 'base64url').toString('hex');
}

/** A POST to /interactions with the given body and headers, as anyone on the internet could send it. */
async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** The custom ids of a reply's buttons, in order. */
function buttonIds(reply: APIMessage): string[] {
  const row = reply.components?.[0] as { components?: { custom_id: string }[] } | undefined;
  return (row?.components ?? []).map((b) => b.custom_id);
}

const PING = JSON.stringify({ id: '1', type: 1, application_id: '1', token: 't', version: 1 });

beforeAll(async () => {
  const pair = generateKeyPairSync('ed25519');
  otherKey = generateKeyPairSync('ed25519').privateKey;
  discord = await startDiscordServer();
  const made = await testServices({
    INTERACTIONS: 'http',
    DISCORD_PUBLIC_KEY: publicKeyHex(pair.publicKey),
    DISCORD_API_URL: discord.apiUrl,
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    FETCH_ALLOW_PRIVATE: 'true',
    FETCH_TIMEOUT_MS: '2000',
  });
  services = made.services;
  cleanup = made.cleanup;
  // Registration is a separate step with the bot token; the HTTP worker itself never sees the token.
  await deployCommands(
    loadConfig({
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_ID: discord.guild.id,
      DISCORD_API_URL: discord.apiUrl,
    }),
  );
  http = await startInteractionServer(services);
  endpoint = { url: `${http.url}/interactions`, privateKey: pair.privateKey };
});

afterAll(async () => {
  await http?.close();
  await discord?.stop();
  await cleanup?.();
});

describe('startInteractionServer', () => {
  it('answers the PING Discord sends to validate the endpoint with a PONG', async () => {
    const pong = await discord.pingEndpoint(endpoint);
    expect(pong).toEqual({ status: 200, body: { type: 1 } });
  });

  it('defers /ask in the HTTP response, then edits in the answer through the webhook, pinging nobody', async () => {
    const sent = await discord.deliverInteraction(
      { type: 'command', name: 'ask', options: { question: 'What did the Harbour Bank raise its rate to?' } },
      endpoint,
    );
    expect(sent.response).toEqual({ status: 200, body: { type: 5, data: {} } });
    const reply = await discord.waitForInteractionResponse(sent.id, { timeoutMs: 5000 });
    expect(reply.embeds?.[0]?.description).toContain('4.5%');
    expect(reply.flags ?? 0).toBe(0);
    const edit = discord.requests.find(
      (r) => r.method === 'PATCH' && r.interactionId === sent.id && r.path.endsWith('/messages/@original'),
    );
    expect(edit?.status).toBe(200);
    expect(edit?.path).toBe(`/webhooks/${discord.applicationId}/${sent.token}/messages/@original`);
    expect((edit?.body as { allowed_mentions?: unknown } | undefined)?.allowed_mentions).toEqual({
      parse: [],
    });
    expect(discord.interaction(sent.id)?.callbacks[0]?.sinceInteractionMs).toBeLessThan(3000);
    expect(discord.limitViolations).toEqual([]);
  });

  it('keeps a private /ask private from the deferral on', async () => {
    const sent = await discord.deliverInteraction(
      {
        type: 'command',
        name: 'ask',
        options: { question: 'How many people were evacuated?', private: true },
      },
      endpoint,
    );
    expect(sent.response.body).toEqual({ type: 5, data: { flags: 64 } });
    const reply = await discord.waitForInteractionResponse(sent.id, { timeoutMs: 5000 });
    expect(reply.flags ?? 0).toBe(64);
  });

  it('pages, shows context and takes feedback on the buttons, answering in the response', async () => {
    const asked = await discord.deliverInteraction(
      { type: 'command', name: 'ask', options: { question: 'interest rate inflation bank', results: 1 } },
      endpoint,
    );
    const reply: APIMessage = await discord.waitForInteractionResponse(asked.id, { timeoutMs: 5000 });
    const [more, ctx, up] = buttonIds(reply);

    const paged = await discord.deliverInteraction(
      { type: 'button', customId: more!, message: reply },
      endpoint,
    );
    expect((paged.response.body as { type: number }).type).toBe(7);
    expect(discord.message(reply.id)?.embeds?.[0]?.description).toMatch(/\*\*2\.\*\*/);

    const context = await discord.deliverInteraction(
      { type: 'button', customId: ctx!, message: reply },
      endpoint,
    );
    expect(context.response.body).toMatchObject({
      type: 4,
      data: { flags: 64, embeds: [{ title: 'Context' }] },
    });

    const before = (await services.state.feedbackCounts()).helpful;
    const thanks = await discord.deliverInteraction(
      { type: 'button', customId: up!, message: reply },
      endpoint,
    );
    expect(thanks.response.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect((await services.state.feedbackCounts()).helpful).toBe(before + 1);
  });

  it('says an answer is too old when its buttons reach a worker that did not give it', async () => {
    const sent = await discord.deliverInteraction(
      { type: 'command', name: 'ask', options: { question: 'interest rate inflation bank', results: 1 } },
      endpoint,
    );
    const reply = await discord.waitForInteractionResponse(sent.id, { timeoutMs: 5000 });
    const forged = { ...reply, components: [] } as APIMessage;
    const customId = `a:${'9'.repeat(18)}:ctx:0`;
    (forged.components as unknown[]).push({
      type: 1,
      components: [{ type: 2, style: 2, label: 'Context', custom_id: customId }],
    });
    const click = await discord.deliverInteraction({ type: 'button', customId, message: forged }, endpoint);
    expect(click.response.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(JSON.stringify(click.response.body)).toContain('too old');
  });

  it('offers autocomplete choices in the response', async () => {
    const sent = await discord.deliverInteraction(
      { type: 'autocomplete', name: 'ask', options: { source: 'coast' }, focused: 'source' },
      endpoint,
    );
    const body = sent.response.body as { type: number; data: { choices: { value: string }[] } };
    expect(body.type).toBe(8);
    expect(body.data.choices.map((c) => c.value)).toContain('publisher:Coastal Wire');
    expect(discord.interaction(sent.id)?.choices).toEqual(body.data.choices);
  });

  it('refuses moderator commands to members without Manage Server, privately', async () => {
    for (const name of ['reindex', 'unanswered']) {
      const sent = await discord.deliverInteraction({ type: 'command', name, permissions: MEMBER }, endpoint);
      expect(sent.response.body).toMatchObject({ type: 4, data: { flags: 64 } });
      expect(JSON.stringify(sent.response.body)).toMatch(/for moderators/);
    }
    const allowed = await discord.deliverInteraction(
      { type: 'command', name: 'unanswered', permissions: MODERATOR },
      endpoint,
    );
    expect(allowed.response.body).toEqual({ type: 5, data: { flags: 64 } });
    await discord.waitForInteractionResponse(allowed.id, { timeoutMs: 5000 });
  });

  it('answers a failure after the deferral with a short private message and an error id', async () => {
    const sent = await discord.deliverInteraction(
      {
        type: 'command',
        name: 'add-article',
        options: { url: 'http://127.0.0.1:1/nothing-listens-here' },
        permissions: MODERATOR,
      },
      endpoint,
    );
    const reply = await discord.waitForInteractionResponse(sent.id, { timeoutMs: 8000 });
    expect(reply.flags ?? 0).toBe(64);
    expect(reply.embeds?.[0]?.description).toMatch(/error id `[0-9a-f]{8}`/);
  });

  it('acknowledges for a handler slower than the deadline, and sends its reply as a follow-up', async () => {
    const slow = await startInteractionServer(services, { port: 0, host: '127.0.0.1', ackDeadlineMs: 50 });
    const record = services.state.recordFeedback.bind(services.state);
    services.state.recordFeedback = async (entry) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return record(entry);
    };
    try {
      const slowEndpoint = { ...endpoint, url: `${slow.url}/interactions` };
      const asked = await discord.deliverInteraction(
        { type: 'command', name: 'ask', options: { question: 'interest rate inflation bank' } },
        slowEndpoint,
      );
      const reply = await discord.waitForInteractionResponse(asked.id, { timeoutMs: 5000 });
      const up = buttonIds(reply)[2]!;
      const click = await discord.deliverInteraction(
        { type: 'button', customId: up, message: reply },
        slowEndpoint,
      );
      expect(click.response.body).toEqual({ type: 6 });
      const followUp = await discord.waitFor(() => {
        const id = discord.interaction(click.id)?.followUpIds[0];
        return id ? discord.message(id) : undefined;
      });
      expect(followUp.flags ?? 0).toBe(64);
      expect(followUp.content).toContain('Thanks');
    } finally {
      services.state.recordFeedback = record;
      await slow.close();
    }
  });

  it('refuses a request whose body was changed after signing', async () => {
    const headers = signatureHeaders(PING, endpoint.privateKey);
    const tampered = PING.replace('"type":1', '"type":2');
    expect((await post(tampered, headers)).status).toBe(401);
    expect((await post(PING, headers)).status).toBe(200);
  });

  it('refuses a stale signature, even when it is valid', async () => {
    const old = Math.floor(Date.now() / 1000) - 10 * 60;
    expect((await post(PING, signatureHeaders(PING, endpoint.privateKey, old))).status).toBe(401);
    const future = Math.floor(Date.now() / 1000) + 10 * 60;
    expect((await post(PING, signatureHeaders(PING, endpoint.privateKey, future))).status).toBe(401);
  });

  it('refuses a request signed with another key', async () => {
    expect((await post(PING, signatureHeaders(PING, otherKey))).status).toBe(401);
  });

  it('refuses requests without the signature headers, or with a malformed signature', async () => {
    const good = signatureHeaders(PING, endpoint.privateKey);
    expect((await post(PING, {})).status).toBe(401);
    expect((await post(PING, { 'x-signature-timestamp': good['x-signature-timestamp']! })).status).toBe(401);
    expect((await post(PING, { 'x-signature-ed25519': good['x-signature-ed25519']! })).status).toBe(401);
    const notHex = { ...good, 'x-signature-ed25519': 'zz'.repeat(64) };
    expect((await post(PING, notHex)).status).toBe(401);
    const short = { ...good, 'x-signature-ed25519': good['x-signature-ed25519']!.slice(0, 126) };
    expect((await post(PING, short)).status).toBe(401);
    const badTime = { ...good, 'x-signature-timestamp': 'yesterday' };
    expect((await post(PING, badTime)).status).toBe(401);
  });

  it('refuses a body over 64 KB with 413, before checking anything else', async () => {
    const big = JSON.stringify({ type: 1, padding: 'x'.repeat(70 * 1024) });
    const res = await post(big, signatureHeaders(big, endpoint.privateKey));
    expect(res.status).toBe(413);
  });

  it('answers /healthz for a load balancer, 405 for a wrong method and 404 elsewhere', async () => {
    const health = await fetch(`${http.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
    const get = await fetch(endpoint.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(`${http.url}/healthz`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${http.url}/`)).status).toBe(404);
  });

  it('refuses a signed body that is not JSON with 400', async () => {
    const body = 'not json';
    expect((await post(body, signatureHeaders(body, endpoint.privateKey))).status).toBe(400);
  });
});

describe('HttpResponder', () => {
  it('keeps the interaction token out of the errors it throws (they are logged)', async () => {
    const { REST } = await import('discord.js');
    const { HttpResponder } = await import('../../src/bot/http/responder.js');
    const token = 'aW50ZXJhY3Rpb246secret-interaction-token';
    const responder = new HttpResponder(
      'command',
      {
        rest: new REST({ api: discord.apiUrl, version: '10', retries: 0 }),
        applicationId: discord.applicationId,
        token,
      },
      services.log,
    );
    responder.sent();
    const err = await responder
      .followUp({ embeds: [], components: [], allowedMentions: { parse: [] }, content: 'x' }, false)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Error);
    expect(JSON.stringify({ ...(err as object), message: (err as Error).message })).not.toContain(token);
  });
});
