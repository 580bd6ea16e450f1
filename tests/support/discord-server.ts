/**
 * A local, in-process fake of Discord for end-to-end tests: the REST API (v10) and the gateway on one
 * random 127.0.0.1 port, speaking the real wire protocol, so the UNMODIFIED discord.js client logs in and
 * runs against it with only `rest: { api: server.apiUrl }` changed.
 *
 * Implemented:
 * - Gateway: HELLO, heartbeat ACK, IDENTIFY (token, intents incl. privileged ones) → READY + GUILD_CREATE,
 *   sequence numbers, RESUME with replay of missed dispatches, INVALID_SESSION, RECONNECT, the close codes
 *   discord.js treats as fatal (4004 bad token, 4012, 4013, 4014). Dispatches are filtered by intents the
 *   way Discord filters them (MESSAGE_CREATE needs GUILD_MESSAGES / DIRECT_MESSAGES; without
 *   MESSAGE_CONTENT, guild messages arrive with empty content unless they mention the bot).
 * - Test-driven events: INTERACTION_CREATE (slash commands with typed options and resolved attachments,
 *   autocomplete with the focused option, buttons and selects on a real stored message, modal submits) and
 *   MESSAGE_CREATE from users (guild and DM). The bot's own messages are dispatched back to it, as on Discord.
 * - REST: gateway discovery, users/@me, applications/@me, interaction callbacks (types 1, 4–9, with
 *   `with_response`), the interaction webhook (@original GET/PATCH/DELETE, follow-ups, including "the first
 *   follow-up after a defer becomes the original"), channel messages (create with reply reference, get,
 *   edit, delete), typing, DM channel creation, bulk command overwrite (global and guild). Bot routes check
 *   `Authorization: Bot <token>`; interaction routes do not, as on Discord.
 * - Discord's rules as real 4xx errors in Discord's JSON shape, recorded in `limitViolations`: message,
 *   embed, component, autocomplete and command limits (400/50035), empty messages (50006), the
 *   acknowledgement window (404/10062), double acknowledgement (400/40060), unknown webhook tokens, missing
 *   permissions for channel messages. Unknown routes answer 404 `{ message, code: 0 }` and are recorded in
 *   `unexpectedRequests`.
 * - Files: multipart bodies (`payload_json` + `files[n]`) become attachments, and attachments (uploaded by
 *   the bot or attached by a test user) are served from the same port, so downloads stay local too.
 *
 * - Shards: IDENTIFY with `shard: [id, n]` (4010 for a bad pair); each session gets READY/GUILD_CREATE and
 *   events only for the guilds with `(guild_id >> 22) % n === id`, DMs on shard 0; `GET /gateway/bot`
 *   recommends `options.shards`.
 * - HTTP interactions: `deliverInteraction` POSTs a signed interaction to the bot's endpoint (as Discord
 *   does when the Interactions Endpoint URL is set) and takes the HTTP response as the callback, after
 *   which the webhook routes work as for gateway interactions; `pingEndpoint` sends a PING.
 *
 * Not implemented: rate limits (no `X-RateLimit-*` headers, never 429), gateway compression and ETF,
 * session start limits and max_concurrency, permission overwrites, threads, reactions, voice, presence, member chunking,
 * message fetch by channel history, Components V2 validation, the CDN (avatar URLs are only strings).
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { APIAttachment, APIMessage, APIUser } from 'discord.js';
import { type WebSocket, WebSocketServer } from 'ws';
import { readBody, type UploadedFile } from './discord/body.js';
import {
  buildGuild,
  buildUser,
  ChannelType,
  type FakeChannel,
  type FakeGuild,
  type GuildOptions,
  guildCreatePayload,
  memberPermissions,
  Permission,
  type UserOptions,
} from './discord/entities.js';
import {
  Gateway,
  type GatewayLogEntry,
  type GatewaySession,
  Intent,
  PRIVILEGED_INTENTS,
} from './discord/gateway.js';
import {
  type AttachmentInput,
  buildInteraction,
  hasComponent,
  type InteractionInput,
  InteractionKind,
  type Invoker,
  type RawOptionDefinition,
} from './discord/interactions.js';
import {
  checkAutocompleteBody,
  checkCommandsBody,
  checkMessageBody,
  checkModalBody,
  type FieldError,
  nestErrors,
} from './discord/limits.js';
import {
  applyEdit,
  buildAttachments,
  buildMessage,
  isEmptyMessage,
  type MentionContext,
  MessageFlag,
  MessageType,
  withoutContent,
} from './discord/messages.js';
import { type EndpointResponse, type InteractionsEndpoint, postSigned } from './discord/outgoing.js';
import { shardReceives } from './discord/shards.js';
import { makeBotToken, makeInteractionToken, nextSnowflake } from './discord/snowflake.js';

export type { FakeChannel, FakeGuild, GuildOptions, UserOptions } from './discord/entities.js';
export { Permission } from './discord/entities.js';
export type { GatewayLogEntry } from './discord/gateway.js';
export { Intent } from './discord/gateway.js';
export type { AttachmentInput, InteractionInput, Invoker, OptionsInput } from './discord/interactions.js';
export type { FieldError } from './discord/limits.js';
export type { EndpointResponse, InteractionsEndpoint } from './discord/outgoing.js';
export { signatureHeaders } from './discord/outgoing.js';
export { guildIdOnShard, shardOf } from './discord/shards.js';

export interface DiscordServerOptions {
  /** The token the server accepts; a realistic one is generated when omitted. */
  botToken?: string;
  botUser?: Partial<UserOptions>;
  /** The application; the bot user shares its id, as for every application created since 2020. */
  application?: { id?: string; name?: string; flags?: number };
  /** Guilds the bot is in; one "Newsroom" guild with #news and #general and a user "reader" by default. */
  guilds?: GuildOptions[];
  /** How long an interaction may go unacknowledged; Discord's is 3000 ms. Lower it to test lateness fast. */
  ackWindowMs?: number;
  /** How long an interaction token works for follow-ups and edits; Discord's is 15 minutes. */
  interactionTokenTtlMs?: number;
  /** The heartbeat interval sent in HELLO; Discord's is 41250 ms. */
  heartbeatIntervalMs?: number;
  /** Privileged intents the application is approved for (bitfield); all three by default. */
  privilegedIntents?: number;
  /** The shard count `GET /gateway/bot` recommends; 1 by default. */
  shards?: number;
}

/** One HTTP request the server received, as tests inspect it. */
export interface RecordedRequest {
  method: string;
  /** Path after the `/api/v10` prefix (or the full path for non-API requests), without the query. */
  path: string;
  /** The route template that matched, e.g. `/interactions/:id/:token/callback`; null when none did. */
  route: string | null;
  query: Record<string, string>;
  /** JSON body, or the `payload_json` part of a multipart body. */
  body: unknown;
  files: Array<{ field: string; name: string; contentType: string; size: number }>;
  /** Whether the request carried the valid `Bot <token>` header. */
  authorized: boolean;
  status: number;
  response: unknown;
  /** Milliseconds since the server started. */
  at: number;
  /** The interaction this request answers (callbacks and interaction webhooks). */
  interactionId?: string;
  /** Milliseconds between the interaction's dispatch and this request. */
  sinceInteractionMs?: number;
}

/** A request rejected for breaking one of Discord's limits. */
export interface LimitViolation {
  method: string;
  path: string;
  route: string | null;
  errors: FieldError[];
  at: number;
  interactionId?: string;
}

export interface InteractionCallbackRecord {
  type: number;
  data: unknown;
  status: number;
  sinceInteractionMs: number;
}

/** Everything the server knows about one interaction it dispatched. */
export interface InteractionState {
  id: string;
  token: string;
  /** Interaction type: 2 command, 3 component, 4 autocomplete, 5 modal submit. */
  type: number;
  payload: Record<string, unknown>;
  channelId: string;
  guildId: string | undefined;
  /** Milliseconds since the server started. */
  dispatchedAt: number;
  /** Every callback attempt, including rejected ones. */
  callbacks: InteractionCallbackRecord[];
  acknowledged: boolean;
  /** The message behind `@original`: the reply, the loading message of a defer, or the component's message. */
  originalMessageId: string | null;
  /** Set for a deferred reply (type 5) until its content arrives. */
  deferred: boolean;
  followUpIds: string[];
  /** How many responses carried visible content (reply, update, edit of @original, follow-up). */
  contentResponses: number;
  choices?: Array<{ name: string; value: string | number }>;
  modal?: unknown;
}

export interface SentInteraction {
  id: string;
  token: string;
  payload: Record<string, unknown>;
}

export interface UserMessageInput extends Invoker {
  content: string;
  /** Prefix the content with a mention of the bot, the usual way to address it in a channel. */
  mentionBot?: boolean;
  attachments?: AttachmentInput[];
  /** The message this one replies to (an id or the message). */
  replyTo?: string | APIMessage;
}

export interface WaitOptions {
  /** Defaults to 2000 ms. */
  timeoutMs?: number;
}

interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
  method: string;
  path: string;
  route: string;
}

interface RouteResult {
  status: number;
  body?: unknown;
  interactionId?: string;
  violations?: FieldError[];
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  auth: boolean;
  handler: (context: RouteContext) => RouteResult;
}

interface StoredCommand extends Record<string, unknown> {
  id: string;
  name: string;
  type: number;
  options?: RawOptionDefinition[];
}

type Json = Record<string, unknown>;

const API_PREFIX = '/api/v10';
const DM_APP_PERMISSIONS =
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.AddReactions;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function apiError(status: number, code: number, message: string, errors?: FieldError[]): RouteResult {
  return {
    status,
    body: errors ? { message, code, errors: nestErrors(errors) } : { message, code },
    ...(errors ? { violations: errors } : {}),
  };
}

const invalidFormBody = (errors: FieldError[]) => apiError(400, 50035, 'Invalid Form Body', errors);
const unknownInteraction = () => apiError(404, 10062, 'Unknown interaction');
const unknownWebhook = () => apiError(404, 10015, 'Unknown Webhook');
const unknownMessage = () => apiError(404, 10008, 'Unknown Message');
const unknownChannel = () => apiError(404, 10003, 'Unknown Channel');
const emptyMessage = () => apiError(400, 50006, 'Cannot send an empty message');

/**
 * The running fake. Create it with {@link startDiscordServer}; everything a test needs is a property or
 * method here: connection details for the client, actions that produce gateway events, recordings, and
 * waits that resolve when the bot has answered.
 */
export class DiscordServer {
  /** Pass as `rest.api` to the discord.js Client, e.g. `http://127.0.0.1:41234/api`. */
  readonly apiUrl: string;
  /** The origin, e.g. `http://127.0.0.1:41234`; attachment URLs live under it. */
  readonly baseUrl: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  /** The default human user: the first non-bot member of the first guild. */
  readonly user: APIUser;
  readonly guilds: FakeGuild[];
  /** The first guild. */
  readonly guild: FakeGuild;
  /** The first text channel of the first guild. */
  readonly channel: FakeChannel;
  /** Every HTTP request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Requests that matched no route (404) — a bot calling something the fake does not know. */
  readonly unexpectedRequests: RecordedRequest[] = [];
  /** Requests rejected for breaking Discord's limits. */
  readonly limitViolations: LimitViolation[] = [];
  /** Every gateway frame in and out (heartbeats included). */
  readonly gatewayLog: GatewayLogEntry[] = [];
  /** Channels the bot signalled typing in, in order. */
  readonly typing: Array<{ channelId: string; at: number }> = [];
  /** Registered commands: `global`, and per guild id. */
  readonly commands = { global: [] as StoredCommand[], guilds: new Map<string, StoredCommand[]>() };

  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #gateway: Gateway;
  readonly #startedAt = performance.now();
  readonly #events = new EventEmitter();
  readonly #users = new Map<string, APIUser>();
  readonly #channels = new Map<string, { channel: FakeChannel; guild: FakeGuild | undefined }>();
  readonly #dmChannels = new Map<string, FakeChannel>();
  readonly #messages = new Map<string, APIMessage>();
  readonly #interactions = new Map<string, InteractionState>();
  readonly #interactionsByToken = new Map<string, InteractionState>();
  readonly #files = new Map<string, { data: Buffer; contentType: string }>();
  readonly #pendingWaits = new Set<(error: Error) => void>();
  readonly #routes: Route[];
  readonly #options: Required<Omit<DiscordServerOptions, 'botToken' | 'botUser' | 'application' | 'guilds'>>;
  readonly #application: { id: string; name: string; flags: number };

  /** Use {@link startDiscordServer}; the constructor needs the bound port. */
  constructor(http: Server, wss: WebSocketServer, port: number, options: DiscordServerOptions) {
    this.#http = http;
    this.#wss = wss;
    this.#events.setMaxListeners(0);
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.baseUrl}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
    this.#options = {
      ackWindowMs: options.ackWindowMs ?? 3000,
      interactionTokenTtlMs: options.interactionTokenTtlMs ?? 15 * 60_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      privilegedIntents: options.privilegedIntents ?? PRIVILEGED_INTENTS,
      shards: options.shards ?? 1,
    };

    const appId = options.application?.id ?? options.botUser?.id ?? nextSnowflake();
    this.#application = {
      id: appId,
      name: options.application?.name ?? 'Newsdesk',
      flags: options.application?.flags ?? (1 << 19) | (1 << 15) | (1 << 13),
    };
    this.applicationId = appId;
    this.botUser = buildUser({
      username: 'newsdesk',
      ...options.botUser,
      id: appId,
      bot: true,
    });
    this.#users.set(this.botUser.id, this.botUser);
    this.token = options.botToken ?? makeBotToken(appId);

    const guildOptions = options.guilds ?? [{}];
    this.guilds = guildOptions.map((spec) => buildGuild(spec, this.botUser, this.#users));
    for (const guild of this.guilds) {
      for (const channel of guild.channels) this.#channels.set(channel.id, { channel, guild });
    }
    const firstGuild = this.guilds[0];
    const firstChannel = firstGuild?.channels.find((channel) => channel.type === ChannelType.GuildText);
    if (!firstGuild || !firstChannel) throw new Error('the fake Discord needs a guild with a text channel');
    this.guild = firstGuild;
    this.channel = firstChannel;
    this.user =
      firstGuild.members.find((member) => member.user.id !== this.botUser.id)?.user ??
      this.createUser({ username: 'reader', global_name: 'Reader' });

    this.#gateway = new Gateway({
      token: this.token,
      heartbeatIntervalMs: this.#options.heartbeatIntervalMs,
      privilegedIntents: this.#options.privilegedIntents,
      resumeUrl: () => `ws://127.0.0.1:${port}/gateway-resume`,
      readyPayload: (session) => this.#readyPayload(session),
      log: (entry) => {
        this.gatewayLog.push(entry);
        this.#changed();
      },
      now: () => this.#now(),
    });
    this.#routes = this.#buildRoutes();
  }

  // ---------------------------------------------------------------- test-side actions

  /** Creates a user the tests can act as (not a guild member unless listed in the guild options). */
  createUser(options: UserOptions): APIUser {
    const user = buildUser(options);
    this.#users.set(user.id, user);
    return user;
  }

  /** Returns the DM channel between a user and the bot, creating it on first use. */
  dmChannel(user: APIUser = this.user): FakeChannel {
    let channel = this.#dmChannels.get(user.id);
    if (!channel) {
      channel = {
        id: nextSnowflake(),
        type: ChannelType.DM,
        last_message_id: null,
        flags: 0,
        recipients: [user],
      };
      this.#dmChannels.set(user.id, channel);
      this.#channels.set(channel.id, { channel, guild: undefined });
    }
    return channel;
  }

  /**
   * Dispatches an INTERACTION_CREATE to the connected bot and returns its id and token; then await
   * {@link waitForInteractionResponse}. Throws when no bot is logged in (the event would go nowhere) or
   * when a component is clicked on a message that does not carry it.
   *
   * @example
   * const { id } = server.sendInteraction({ type: 'command', name: 'ask', options: { question: 'Who won?' } });
   * const reply = await server.waitForInteractionResponse(id);
   */
  sendInteraction(input: InteractionInput): SentInteraction {
    const sent = this.#createInteraction(input);
    const delivered = this.#gateway.dispatch('INTERACTION_CREATE', () => sent.payload);
    if (delivered === 0) throw new Error('sendInteraction: no gateway session; log the client in first');
    this.#changed();
    return sent;
  }

  /**
   * Delivers an interaction over HTTP instead of the gateway, as Discord does for an application whose
   * Interactions Endpoint URL is set: POSTs it, signed with `endpoint.privateKey`, and takes the HTTP
   * response as the interaction callback (recorded in `interaction(id).callbacks`, subject to the
   * acknowledgement window and the allowed types). Then await {@link waitForInteractionResponse} as usual.
   */
  async deliverInteraction(
    input: InteractionInput,
    endpoint: InteractionsEndpoint,
  ): Promise<SentInteraction & { response: EndpointResponse }> {
    const sent = this.#createInteraction(input);
    this.#changed();
    const response = await postSigned(endpoint, sent.payload);
    const state = this.#interactions.get(sent.id);
    if (state && response.status === 200 && isObject(response.body)) {
      this.#callback({
        params: { interactionId: state.id, token: state.token },
        query: new URLSearchParams(),
        body: response.body,
        files: [],
        method: 'POST',
        path: `/interactions/${state.id}/${state.token}/callback`,
        route: '/interactions/:interactionId/:token/callback',
      });
    }
    this.#changed();
    return { ...sent, response };
  }

  /** Sends the PING Discord uses to validate an Interactions Endpoint URL; a bot must answer `{ type: 1 }`. */
  pingEndpoint(endpoint: InteractionsEndpoint): Promise<EndpointResponse> {
    const id = nextSnowflake();
    return postSigned(endpoint, {
      id,
      type: 1,
      application_id: this.applicationId,
      token: makeInteractionToken(id),
      version: 1,
      user: this.botUser,
    });
  }

  #createInteraction(input: InteractionInput): SentInteraction {
    const user = input.user ?? this.user;
    this.#users.set(user.id, user);
    const { channel, guild } = this.#resolveChannel(input, user);
    const member = guild?.members.find((m) => m.user.id === user.id);
    const roles = input.roles ? input.roles.map((ref) => this.#roleId(guild, ref)) : (member?.roles ?? []);
    const memberPermissionBits =
      input.permissions !== undefined
        ? BigInt(input.permissions)
        : guild
          ? memberPermissions(guild, roles, user.id)
          : 0n;
    const botRoles = guild?.members.find((m) => m.user.id === this.botUser.id)?.roles ?? [];
    const appPermissions = guild ? memberPermissions(guild, botRoles) : DM_APP_PERMISSIONS;

    let command: StoredCommand | undefined;
    if (input.type === 'command' || input.type === 'autocomplete') {
      const scoped = guild ? (this.commands.guilds.get(guild.id) ?? []) : [];
      command = [...scoped, ...this.commands.global].find((c) => c.name === input.name && c.type === 1);
    }
    let componentMessage: APIMessage | undefined;
    if (input.type === 'button' || input.type === 'select') {
      componentMessage = this.#componentMessage(channel.id, input.customId, input.message);
    } else if (input.type === 'modal') {
      componentMessage = input.message;
    }

    const payload = buildInteraction(input, {
      applicationId: this.applicationId,
      user,
      guild,
      channel,
      memberRoles: roles,
      memberPermissions: memberPermissionBits,
      appPermissions,
      commandOptions: command?.options,
      commandId: command?.id,
      componentMessage,
      attachments: { store: (pathname, file) => this.#storeFile(pathname, file) },
      users: this.#users,
    });
    const id = String(payload.id);
    const token = makeInteractionToken(id);
    payload.token = token;
    const state: InteractionState = {
      id,
      token,
      type: Number(payload.type),
      payload,
      channelId: channel.id,
      guildId: guild?.id,
      dispatchedAt: this.#now(),
      callbacks: [],
      acknowledged: false,
      originalMessageId: null,
      deferred: false,
      followUpIds: [],
      contentResponses: 0,
    };
    this.#interactions.set(id, state);
    this.#interactionsByToken.set(token, state);
    return { id, token, payload };
  }

  /**
   * Dispatches a MESSAGE_CREATE from a user (guild channel by default, or `dm: true`) and returns the
   * message as stored. Intents apply: a bot without GUILD_MESSAGES never sees it, and one without
   * MESSAGE_CONTENT sees empty content unless the message mentions it.
   */
  sendMessage(input: UserMessageInput): APIMessage {
    const user = input.user ?? this.user;
    this.#users.set(user.id, user);
    const { channel, guild } = this.#resolveChannel(input, user);
    const content = input.mentionBot ? `<@${this.botUser.id}> ${input.content}` : input.content;
    const referenced =
      typeof input.replyTo === 'string' ? this.#messages.get(input.replyTo) : (input.replyTo ?? undefined);
    const attachments = (input.attachments ?? []).map((file): APIAttachment => {
      const id = nextSnowflake();
      const data = typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
      const contentType = file.contentType ?? 'text/plain; charset=utf-8';
      const url = this.#storeFile(`/attachments/${channel.id}/${id}/${encodeURIComponent(file.filename)}`, {
        data,
        contentType,
      });
      return {
        id,
        filename: file.filename,
        size: data.length,
        url,
        proxy_url: url,
        content_type: contentType,
      };
    });
    const message = buildMessage({
      channelId: channel.id,
      guildId: guild?.id,
      author: user,
      body: { content },
      attachments,
      type: referenced ? MessageType.Reply : MessageType.Default,
      mentionContext: this.#mentionContext(guild),
      referenced,
    });
    this.#storeMessage(message, channel);
    this.#dispatchMessage('MESSAGE_CREATE', message, guild);
    this.#changed();
    return message;
  }

  /**
   * Drops the bot's gateway connections (close code 4000 by default, or `{ terminate: true }` for a dead
   * network). discord.js then RESUMEs; events dispatched meanwhile are replayed. Returns how many dropped.
   */
  dropGatewayConnections(mode: { code?: number; terminate?: boolean } = {}): number {
    return this.#gateway.drop(mode);
  }

  /** Sends opcode 7 RECONNECT to every connected client. */
  requestReconnect(): void {
    this.#gateway.requestReconnect();
  }

  /** Hands a WebSocket upgraded on the gateway paths to the gateway (used by startDiscordServer). */
  acceptGateway(socket: WebSocket, req: IncomingMessage): void {
    this.#gateway.accept(socket, req);
  }

  /** Gateway sessions (one per IDENTIFY), for asserting intents and resumes. */
  get gatewaySessions(): readonly GatewaySession[] {
    return [...this.#gateway.sessions.values()];
  }

  // ---------------------------------------------------------------- inspection and waiting

  /** Every message in the fake, oldest first (user messages, bot messages, ephemeral ones included). */
  get messages(): APIMessage[] {
    return [...this.#messages.values()];
  }

  message(id: string): APIMessage | undefined {
    return this.#messages.get(id);
  }

  interaction(id: string): InteractionState | undefined {
    return this.#interactions.get(id);
  }

  /**
   * Resolves when `check` returns something other than undefined, null or false (re-checked after every
   * request and gateway frame, and every 20 ms), with that value; rejects after the timeout with the recent requests in the
   * message, which is usually enough to see what the bot did instead.
   */
  waitFor<T>(
    check: () => T | undefined | null | false,
    options: WaitOptions & { description?: string } = {},
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 2000;
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let poll: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (error: Error | null, value?: T) => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        if (poll) clearInterval(poll);
        this.#events.off('change', attempt);
        this.#pendingWaits.delete(fail);
        if (error) reject(error);
        else resolve(value as T);
      };
      const fail = (error: Error) => finish(error);
      const attempt = () => {
        try {
          const value = check();
          if (value !== undefined && value !== null && value !== false) finish(null, value);
        } catch (error) {
          finish(error as Error);
        }
      };
      this.#events.on('change', attempt);
      this.#pendingWaits.add(fail);
      timer = setTimeout(() => {
        finish(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${options.description ?? 'a condition'}\n${this.#recent()}`,
          ),
        );
      }, timeoutMs);
      // Server events cover what the fake sees; the poll covers conditions on client-side state (a handler's
      // result, `client.ws.ping`) that change without any request reaching the server.
      poll = setInterval(attempt, 20);
      attempt();
    });
  }

  /**
   * Resolves with the interaction's visible reply once it has one: the message behind `@original` after a
   * reply, an update, an edit of a deferred reply, or the first follow-up to a defer — never the
   * "thinking…" loading message. Its `flags` tell whether it is ephemeral.
   */
  waitForInteractionResponse(interactionId: string, options: WaitOptions = {}): Promise<APIMessage> {
    return this.waitFor(
      () => {
        const state = this.#interactions.get(interactionId);
        if (!state) throw new Error(`waitForInteractionResponse: unknown interaction ${interactionId}`);
        if (state.contentResponses === 0 || !state.originalMessageId) return undefined;
        const message = this.#messages.get(state.originalMessageId);
        if (!message || (message.flags ?? 0) & MessageFlag.Loading || isEmptyMessage(message))
          return undefined;
        return message;
      },
      { ...options, description: `a visible response to interaction ${interactionId}` },
    );
  }

  /** Resolves with the choices the bot answered an autocomplete interaction with. */
  waitForAutocompleteChoices(
    interactionId: string,
    options: WaitOptions = {},
  ): Promise<Array<{ name: string; value: string | number }>> {
    return this.waitFor(() => this.#interactions.get(interactionId)?.choices, {
      ...options,
      description: `autocomplete choices for interaction ${interactionId}`,
    });
  }

  /**
   * Resolves with the first message the bot posted with `POST /channels/:id/messages` in the channel that
   * matches `predicate` (interaction replies are not channel messages; use waitForInteractionResponse).
   */
  waitForChannelMessage(
    channelId: string,
    predicate: (message: APIMessage) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<APIMessage> {
    return this.waitFor(
      () =>
        this.messages.find(
          (message) =>
            message.channel_id === channelId &&
            message.author.id === this.botUser.id &&
            message.webhook_id === undefined &&
            predicate(message),
        ),
      { ...options, description: `a bot message in channel ${channelId}` },
    );
  }

  /** Stops the HTTP server and gateway, closing every connection; pending waits reject. */
  async stop(): Promise<void> {
    for (const fail of [...this.#pendingWaits]) fail(new Error('the fake Discord server was stopped'));
    this.#gateway.closeAll();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.#http.close((error) => (error ? reject(error) : resolve())),
    );
  }

  // ---------------------------------------------------------------- HTTP

  /** Handles one HTTP request end to end: route, auth, body, handler, recording. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    const parsed = await readBody(req);
    const record: RecordedRequest = {
      method,
      path: url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname,
      route: null,
      query: Object.fromEntries(url.searchParams),
      body: parsed.json,
      files: parsed.files.map(({ field, name, contentType, size }) => ({ field, name, contentType, size })),
      authorized: req.headers.authorization === `Bot ${this.token}`,
      status: 0,
      response: undefined,
      at: this.#now(),
    };

    const file = method === 'GET' ? this.#files.get(url.pathname) : undefined;
    if (file) {
      record.route = 'attachment';
      record.status = 200;
      this.#record(record);
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.data.length });
      res.end(file.data);
      return;
    }

    let result: RouteResult;
    const match = url.pathname.startsWith(API_PREFIX) ? this.#match(method, record.path) : undefined;
    if (!match) {
      const otherMethod = url.pathname.startsWith(API_PREFIX)
        ? this.#routes.some((route) => route.pattern.test(record.path))
        : false;
      result = otherMethod
        ? { status: 405, body: { message: '405: Method Not Allowed', code: 0 } }
        : { status: 404, body: { message: '404: Not Found', code: 0 } };
    } else {
      record.route = match.route.template;
      if (match.route.auth && !record.authorized) {
        result = { status: 401, body: { message: '401: Unauthorized', code: 0 } };
      } else if (parsed.error) {
        result = { status: 400, body: { message: `400: Bad Request (${parsed.error})`, code: 50109 } };
      } else {
        try {
          result = match.route.handler({
            params: match.params,
            query: url.searchParams,
            body: parsed.json,
            files: parsed.files,
            method,
            path: record.path,
            route: match.route.template,
          });
        } catch (error) {
          result = {
            status: 500,
            body: { message: `fake Discord crashed: ${(error as Error).stack}`, code: 0 },
          };
        }
      }
    }

    record.status = result.status;
    record.response = result.body;
    if (result.interactionId) {
      const state = this.#interactions.get(result.interactionId);
      record.interactionId = result.interactionId;
      if (state) record.sinceInteractionMs = record.at - state.dispatchedAt;
    }
    if (result.violations) {
      this.limitViolations.push({
        method,
        path: record.path,
        route: record.route,
        errors: result.violations,
        at: record.at,
        ...(record.interactionId ? { interactionId: record.interactionId } : {}),
      });
    }
    if (record.route === null) this.unexpectedRequests.push(record);
    this.#record(record);
    if (result.body === undefined) {
      res.writeHead(result.status);
      res.end();
    } else {
      const text = JSON.stringify(result.body);
      res.writeHead(result.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    }
  }

  #match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (found) {
        const params: Record<string, string> = {};
        for (const [key, value] of Object.entries(found.groups ?? {}))
          params[key] = decodeURIComponent(value);
        return { route, params };
      }
    }
    return undefined;
  }

  #buildRoutes(): Route[] {
    const route = (method: string, template: string, auth: boolean, handler: Route['handler']): Route => ({
      method,
      template,
      auth,
      handler,
      pattern: new RegExp(`^${template.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`),
    });
    return [
      route('GET', '/gateway', false, () => ({ status: 200, body: { url: this.gatewayUrl } })),
      route('GET', '/gateway/bot', true, () => ({
        status: 200,
        body: {
          url: this.gatewayUrl,
          shards: this.#options.shards,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
        },
      })),
      route('GET', '/users/@me', true, () => ({
        status: 200,
        body: { ...this.botUser, verified: true, mfa_enabled: false, locale: 'en-US', email: null },
      })),
      route('POST', '/users/@me/channels', true, (c) => this.#createDm(c)),
      route('GET', '/users/:userId', true, (c) => {
        const user = this.#users.get(c.params.userId ?? '');
        return user ? { status: 200, body: user } : apiError(404, 10013, 'Unknown User');
      }),
      route('GET', '/applications/@me', true, () => ({ status: 200, body: this.#applicationObject() })),
      route('GET', '/applications/:appId/commands', true, (c) => this.#getCommands(c, undefined)),
      route('PUT', '/applications/:appId/commands', true, (c) => this.#putCommands(c, undefined)),
      route('POST', '/applications/:appId/commands', true, (c) => this.#postCommand(c, undefined)),
      route('GET', '/applications/:appId/guilds/:guildId/commands', true, (c) =>
        this.#getCommands(c, c.params.guildId),
      ),
      route('PUT', '/applications/:appId/guilds/:guildId/commands', true, (c) =>
        this.#putCommands(c, c.params.guildId),
      ),
      route('POST', '/applications/:appId/guilds/:guildId/commands', true, (c) =>
        this.#postCommand(c, c.params.guildId),
      ),
      route('GET', '/channels/:channelId', true, (c) => {
        const entry = this.#channels.get(c.params.channelId ?? '');
        return entry ? { status: 200, body: entry.channel } : unknownChannel();
      }),
      route('POST', '/channels/:channelId/messages', true, (c) => this.#createChannelMessage(c)),
      route('GET', '/channels/:channelId/messages/:messageId', true, (c) => {
        const message = this.#messages.get(c.params.messageId ?? '');
        if (
          !message ||
          message.channel_id !== c.params.channelId ||
          (message.flags ?? 0) & MessageFlag.Ephemeral
        ) {
          return unknownMessage();
        }
        return { status: 200, body: message };
      }),
      route('PATCH', '/channels/:channelId/messages/:messageId', true, (c) => this.#editChannelMessage(c)),
      route('DELETE', '/channels/:channelId/messages/:messageId', true, (c) => this.#deleteChannelMessage(c)),
      route('POST', '/channels/:channelId/typing', true, (c) => {
        if (!this.#channels.has(c.params.channelId ?? '')) return unknownChannel();
        this.typing.push({ channelId: c.params.channelId ?? '', at: this.#now() });
        return { status: 204 };
      }),
      route('POST', '/interactions/:interactionId/:token/callback', false, (c) => this.#callback(c)),
      route('POST', '/webhooks/:appId/:token', false, (c) => this.#followUp(c)),
      route('GET', '/webhooks/:appId/:token/messages/:messageId', false, (c) => this.#webhookMessage(c)),
      route('PATCH', '/webhooks/:appId/:token/messages/:messageId', false, (c) => this.#webhookMessage(c)),
      route('DELETE', '/webhooks/:appId/:token/messages/:messageId', false, (c) => this.#webhookMessage(c)),
    ];
  }

  // ---------------------------------------------------------------- interaction routes

  #callback(c: RouteContext): RouteResult {
    const state = this.#interactions.get(c.params.interactionId ?? '');
    if (!state || state.token !== c.params.token) return unknownInteraction();
    const body = isObject(c.body) ? c.body : {};
    const type = typeof body.type === 'number' ? body.type : -1;
    const data = isObject(body.data) ? body.data : {};
    const sinceInteractionMs = this.#now() - state.dispatchedAt;
    const result = ((): RouteResult => {
      if (state.acknowledged) return apiError(400, 40060, 'Interaction has already been acknowledged.');
      if (sinceInteractionMs > this.#options.ackWindowMs) return unknownInteraction();
      if (!allowedCallbacks(state.type).includes(type)) {
        return invalidFormBody([
          {
            path: 'type',
            code: 'INTERACTION_RESPONSE_TYPE_INVALID',
            message: 'Invalid interaction response type',
          },
        ]);
      }
      return this.#acknowledge(state, type, data, c);
    })();
    state.callbacks.push({ type, data: body.data, status: result.status, sinceInteractionMs });
    return { ...result, interactionId: state.id };
  }

  #acknowledge(state: InteractionState, type: number, data: Json, c: RouteContext): RouteResult {
    const entry = this.#channels.get(state.channelId);
    if (!entry) return unknownChannel();
    const violations =
      type === 4 || type === 7
        ? checkMessageBody(data, 'data')
        : type === 8
          ? checkAutocompleteBody(data)
          : type === 9
            ? checkModalBody(data)
            : [];
    if (violations.length > 0) return invalidFormBody(violations);

    let message: APIMessage | undefined;
    switch (type) {
      case 4:
      case 5: {
        const body =
          type === 4
            ? data
            : { flags: (Number(data.flags ?? 0) & MessageFlag.Ephemeral) | MessageFlag.Loading };
        const attachments = buildAttachments(body, c.files, [], state.channelId, this.#fileHost());
        message = this.#interactionMessage(state, body, attachments);
        if (type === 4 && isEmptyMessage(message)) return emptyMessage();
        this.#storeMessage(message, entry.channel);
        state.originalMessageId = message.id;
        state.deferred = type === 5;
        if (type === 4) state.contentResponses += 1;
        this.#announce('MESSAGE_CREATE', message, entry.guild);
        break;
      }
      case 6:
      case 7: {
        const target = this.#messages.get(String((state.payload.message as Json | undefined)?.id ?? ''));
        if (!target) return unknownMessage();
        if (type === 7) {
          const attachments =
            c.files.length > 0 || 'attachments' in data
              ? buildAttachments(data, c.files, target.attachments, state.channelId, this.#fileHost())
              : undefined;
          applyEdit(target, data, attachments, this.#mentionContext(entry.guild));
          state.contentResponses += 1;
          this.#announce('MESSAGE_UPDATE', target, entry.guild);
        }
        state.originalMessageId = target.id;
        message = target;
        break;
      }
      case 8:
        state.choices = (Array.isArray(data.choices) ? data.choices : []) as InteractionState['choices'];
        break;
      case 9:
        state.modal = data;
        break;
    }
    state.acknowledged = true;
    this.#changed();

    if (c.query.get('with_response') !== 'true') return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: state.id,
          type: state.type,
          ...(message
            ? {
                response_message_id: message.id,
                response_message_loading: type === 5,
                response_message_ephemeral: Boolean((message.flags ?? 0) & MessageFlag.Ephemeral),
              }
            : {}),
        },
        ...(message && type !== 6 ? { resource: { type, message } } : {}),
      },
    };
  }

  /** Returns the interaction behind a webhook token, or the error Discord gives for it. */
  #webhookState(c: RouteContext): InteractionState | RouteResult {
    const state = this.#interactionsByToken.get(c.params.token ?? '');
    if (!state || c.params.appId !== this.applicationId || !state.acknowledged) return unknownWebhook();
    if (this.#now() - state.dispatchedAt > this.#options.interactionTokenTtlMs) {
      return apiError(401, 50027, 'Invalid Webhook Token');
    }
    return state;
  }

  #followUp(c: RouteContext): RouteResult {
    const state = this.#webhookState(c);
    if (!('token' in state)) return state;
    const entry = this.#channels.get(state.channelId);
    if (!entry) return unknownChannel();
    const body = isObject(c.body) ? c.body : {};
    const violations = checkMessageBody(body);
    if (violations.length > 0) return { ...invalidFormBody(violations), interactionId: state.id };

    const original = state.originalMessageId ? this.#messages.get(state.originalMessageId) : undefined;
    let message: APIMessage;
    if (state.deferred && original && (original.flags ?? 0) & MessageFlag.Loading) {
      // Discord turns the first follow-up to a deferred reply into the reply itself; its ephemerality is
      // the defer's, whatever flags the follow-up carries.
      const attachments = buildAttachments(body, c.files, [], state.channelId, this.#fileHost());
      const { flags: _ignored, ...rest } = body;
      const before = structuredClone(original);
      applyEdit(original, rest, attachments, this.#mentionContext(entry.guild));
      if (isEmptyMessage(original)) {
        Object.assign(original, before);
        return { ...emptyMessage(), interactionId: state.id };
      }
      message = original;
      this.#announce('MESSAGE_UPDATE', message, entry.guild);
    } else {
      const attachments = buildAttachments(body, c.files, [], state.channelId, this.#fileHost());
      message = this.#interactionMessage(state, body, attachments);
      if (isEmptyMessage(message)) return { ...emptyMessage(), interactionId: state.id };
      this.#storeMessage(message, entry.channel);
      state.followUpIds.push(message.id);
      this.#announce('MESSAGE_CREATE', message, entry.guild);
    }
    state.contentResponses += 1;
    this.#changed();
    return c.query.get('wait') === 'true'
      ? { status: 200, body: message, interactionId: state.id }
      : { status: 204, interactionId: state.id };
  }

  #webhookMessage(c: RouteContext): RouteResult {
    const state = this.#webhookState(c);
    if (!('token' in state)) return state;
    const id = c.params.messageId === '@original' ? state.originalMessageId : c.params.messageId;
    const owned = id !== null && (id === state.originalMessageId || state.followUpIds.includes(id ?? ''));
    const message = owned && id ? this.#messages.get(id) : undefined;
    if (!message) return { ...unknownMessage(), interactionId: state.id };
    const entry = this.#channels.get(message.channel_id);

    if (c.method === 'GET') return { status: 200, body: message, interactionId: state.id };
    if (c.method === 'DELETE') {
      this.#messages.delete(message.id);
      state.followUpIds = state.followUpIds.filter((followUp) => followUp !== message.id);
      this.#announceDelete(message, entry?.guild);
      this.#changed();
      return { status: 204, interactionId: state.id };
    }
    const body = isObject(c.body) ? c.body : {};
    const violations = checkMessageBody(body);
    if (violations.length > 0) return { ...invalidFormBody(violations), interactionId: state.id };
    const attachments =
      c.files.length > 0 || 'attachments' in body
        ? buildAttachments(body, c.files, message.attachments, message.channel_id, this.#fileHost())
        : undefined;
    const before = structuredClone(message);
    applyEdit(message, body, attachments, this.#mentionContext(entry?.guild));
    if (isEmptyMessage(message)) {
      Object.assign(message, before);
      return { ...emptyMessage(), interactionId: state.id };
    }
    state.contentResponses += 1;
    this.#announce('MESSAGE_UPDATE', message, entry?.guild);
    this.#changed();
    return { status: 200, body: message, interactionId: state.id };
  }

  #interactionMessage(state: InteractionState, body: Json, attachments: APIAttachment[]): APIMessage {
    const entry = this.#channels.get(state.channelId);
    const invoker =
      (state.payload.member as { user?: APIUser } | undefined)?.user ?? (state.payload.user as APIUser);
    const data = state.payload.data as { name?: string; type?: number } | undefined;
    const metadata = {
      id: state.id,
      type: state.type,
      user: invoker,
      authorizing_integration_owners: state.payload.authorizing_integration_owners,
      ...(state.type === InteractionKind.Command ? { name: data?.name, command_type: data?.type ?? 1 } : {}),
      ...(state.type === InteractionKind.Component
        ? { interacted_message_id: (state.payload.message as Json | undefined)?.id }
        : {}),
    };
    return buildMessage({
      channelId: state.channelId,
      guildId: state.guildId,
      author: this.botUser,
      body,
      attachments,
      type: state.type === InteractionKind.Command ? MessageType.ChatInputCommand : MessageType.Default,
      mentionContext: this.#mentionContext(entry?.guild),
      extra: {
        webhook_id: this.applicationId,
        application_id: this.applicationId,
        interaction_metadata: metadata,
        ...(state.type === InteractionKind.Command
          ? { interaction: { id: state.id, type: state.type, name: data?.name ?? '', user: invoker } }
          : {}),
      } as Partial<APIMessage>,
    });
  }

  // ---------------------------------------------------------------- channel routes

  #createChannelMessage(c: RouteContext): RouteResult {
    const entry = this.#channels.get(c.params.channelId ?? '');
    if (!entry) return unknownChannel();
    const body = isObject(c.body) ? c.body : {};
    if (entry.guild) {
      const botRoles = entry.guild.members.find((m) => m.user.id === this.botUser.id)?.roles ?? [];
      const bits = memberPermissions(entry.guild, botRoles);
      if (
        (bits & (Permission.ViewChannel | Permission.SendMessages)) !==
        (Permission.ViewChannel | Permission.SendMessages)
      ) {
        return apiError(403, 50013, 'Missing Permissions');
      }
      if (isObject(body.message_reference) && !(bits & Permission.ReadMessageHistory)) {
        return apiError(400, 160002, 'Cannot reply without permission to read message history');
      }
    }
    const violations = checkMessageBody(body);
    if (violations.length > 0) return invalidFormBody(violations);

    let referenced: APIMessage | undefined;
    if (isObject(body.message_reference)) {
      const reference = body.message_reference;
      const target = this.#messages.get(String(reference.message_id ?? ''));
      const sameChannel =
        target &&
        target.channel_id === String(reference.channel_id ?? entry.channel.id) &&
        target.channel_id === entry.channel.id;
      if (sameChannel) referenced = target;
      else if (reference.fail_if_not_exists !== false) {
        return invalidFormBody([
          {
            path: 'message_reference',
            code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE',
            message: 'Unknown message',
          },
        ]);
      }
    }
    const attachments = buildAttachments(body, c.files, [], entry.channel.id, this.#fileHost());
    const message = buildMessage({
      channelId: entry.channel.id,
      guildId: entry.guild?.id,
      author: this.botUser,
      body,
      attachments,
      type: referenced ? MessageType.Reply : MessageType.Default,
      mentionContext: this.#mentionContext(entry.guild),
      referenced,
    });
    if (isEmptyMessage(message)) return emptyMessage();
    this.#storeMessage(message, entry.channel);
    this.#announce('MESSAGE_CREATE', message, entry.guild);
    this.#changed();
    return { status: 200, body: message };
  }

  #editChannelMessage(c: RouteContext): RouteResult {
    const message = this.#messages.get(c.params.messageId ?? '');
    if (!message || message.channel_id !== c.params.channelId) return unknownMessage();
    if (message.author.id !== this.botUser.id) {
      return apiError(403, 50005, 'Cannot edit a message authored by another user');
    }
    const body = isObject(c.body) ? c.body : {};
    const violations = checkMessageBody(body);
    if (violations.length > 0) return invalidFormBody(violations);
    const entry = this.#channels.get(message.channel_id);
    const attachments =
      c.files.length > 0 || 'attachments' in body
        ? buildAttachments(body, c.files, message.attachments, message.channel_id, this.#fileHost())
        : undefined;
    applyEdit(message, body, attachments, this.#mentionContext(entry?.guild));
    this.#announce('MESSAGE_UPDATE', message, entry?.guild);
    this.#changed();
    return { status: 200, body: message };
  }

  #deleteChannelMessage(c: RouteContext): RouteResult {
    const message = this.#messages.get(c.params.messageId ?? '');
    if (!message || message.channel_id !== c.params.channelId) return unknownMessage();
    const entry = this.#channels.get(message.channel_id);
    if (message.author.id !== this.botUser.id) {
      const botRoles = entry?.guild?.members.find((m) => m.user.id === this.botUser.id)?.roles ?? [];
      const bits = entry?.guild ? memberPermissions(entry.guild, botRoles) : 0n;
      if (!(bits & Permission.ManageMessages)) return apiError(403, 50013, 'Missing Permissions');
    }
    this.#messages.delete(message.id);
    this.#announceDelete(message, entry?.guild);
    this.#changed();
    return { status: 204 };
  }

  #createDm(c: RouteContext): RouteResult {
    const body = isObject(c.body) ? c.body : {};
    const user = this.#users.get(String(body.recipient_id ?? ''));
    if (!user) {
      return invalidFormBody([{ path: 'recipient_id', code: 'NUMBER_TYPE_COERCE', message: 'Unknown user' }]);
    }
    return { status: 200, body: this.dmChannel(user) };
  }

  // ---------------------------------------------------------------- application routes

  #applicationObject(): Json {
    return {
      id: this.applicationId,
      name: this.#application.name,
      icon: null,
      description: 'Answers questions about the news.',
      summary: '',
      type: null,
      hook: true,
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: 'f'.repeat(64),
      flags: this.#application.flags,
      owner: this.user,
      team: null,
      bot: this.botUser,
      approximate_guild_count: this.guilds.length,
      approximate_user_install_count: 0,
      redirect_uris: [],
      interactions_endpoint_url: null,
      role_connections_verification_url: null,
      event_webhooks_url: null,
      event_webhooks_status: 1,
      tags: [],
      integration_types_config: { '0': {} },
      install_params: null,
    };
  }

  #commandScope(c: RouteContext, guildId: string | undefined): StoredCommand[] | RouteResult {
    if (c.params.appId !== this.applicationId) return apiError(404, 10002, 'Unknown Application');
    if (guildId === undefined) return this.commands.global;
    if (!this.guilds.some((guild) => guild.id === guildId)) return apiError(403, 50001, 'Missing Access');
    let list = this.commands.guilds.get(guildId);
    if (!list) {
      list = [];
      this.commands.guilds.set(guildId, list);
    }
    return list;
  }

  #getCommands(c: RouteContext, guildId: string | undefined): RouteResult {
    const scope = this.#commandScope(c, guildId);
    return Array.isArray(scope) ? { status: 200, body: scope } : scope;
  }

  #storedCommand(body: Json, previous: StoredCommand[], guildId: string | undefined): StoredCommand {
    const type = typeof body.type === 'number' ? body.type : 1;
    const kept = previous.find((command) => command.name === body.name && command.type === type);
    return {
      ...body,
      id: kept?.id ?? nextSnowflake(),
      application_id: this.applicationId,
      version: nextSnowflake(),
      type,
      name: String(body.name),
      description: typeof body.description === 'string' ? body.description : '',
      default_member_permissions: body.default_member_permissions ?? null,
      nsfw: body.nsfw === true,
      integration_types: body.integration_types ?? [0],
      contexts: body.contexts ?? null,
      ...(guildId ? { guild_id: guildId } : {}),
    } as StoredCommand;
  }

  #putCommands(c: RouteContext, guildId: string | undefined): RouteResult {
    const scope = this.#commandScope(c, guildId);
    if (!Array.isArray(scope)) return scope;
    const violations = checkCommandsBody(c.body);
    if (violations.length > 0) return invalidFormBody(violations);
    const next = (c.body as Json[]).map((body) => this.#storedCommand(body, scope, guildId));
    // Bulk overwrite replaces the whole list; ids survive for commands whose name and type are unchanged.
    scope.splice(0, scope.length, ...next);
    this.#changed();
    return { status: 200, body: next };
  }

  #postCommand(c: RouteContext, guildId: string | undefined): RouteResult {
    const scope = this.#commandScope(c, guildId);
    if (!Array.isArray(scope)) return scope;
    const violations = checkCommandsBody([c.body]).map((error) => ({
      ...error,
      path: error.path.replace(/^0\.?/, ''),
    }));
    if (violations.length > 0) return invalidFormBody(violations);
    const command = this.#storedCommand(c.body as Json, scope, guildId);
    const index = scope.findIndex((existing) => existing.id === command.id);
    if (index >= 0) scope[index] = command;
    else scope.push(command);
    this.#changed();
    return { status: index >= 0 ? 200 : 201, body: command };
  }

  // ---------------------------------------------------------------- helpers

  #readyPayload(session: GatewaySession): { ready: Json; guilds: unknown[] } {
    const guilds = this.guilds.filter((guild) => shardReceives(session.shard, guild.id));
    return {
      ready: {
        v: 10,
        user: { ...this.botUser, verified: true, mfa_enabled: false, email: null },
        user_settings: {},
        guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
        guild_join_requests: [],
        relationships: [],
        presences: [],
        private_channels: [],
        geo_ordered_rtc_regions: ['us-east'],
        application: { id: this.applicationId, flags: this.#application.flags },
        auth: {},
        _trace: ['["fake-gateway",{"micros":0}]'],
      },
      guilds: guilds.map((guild) => guildCreatePayload(guild)),
    };
  }

  #resolveChannel(input: Invoker, user: APIUser): { channel: FakeChannel; guild: FakeGuild | undefined } {
    if (input.dm) return { channel: this.dmChannel(user), guild: undefined };
    const entry = this.#channels.get(input.channelId ?? this.channel.id);
    if (!entry) throw new Error(`unknown channel ${input.channelId}`);
    return entry;
  }

  #roleId(guild: FakeGuild | undefined, ref: string): string {
    const role = guild?.roles.find((candidate) => candidate.id === ref || candidate.name === ref);
    if (!role) throw new Error(`unknown role "${ref}"`);
    return role.id;
  }

  #componentMessage(channelId: string, customId: string, given: string | APIMessage | undefined): APIMessage {
    if (typeof given === 'object') return given;
    if (typeof given === 'string') {
      const message = this.#messages.get(given);
      if (!message) throw new Error(`unknown message ${given}`);
      if (!hasComponent(message, customId))
        throw new Error(`message ${given} has no component "${customId}"`);
      return message;
    }
    const newest = this.messages
      .reverse()
      .find(
        (m) => m.channel_id === channelId && m.author.id === this.botUser.id && hasComponent(m, customId),
      );
    if (!newest) throw new Error(`no bot message in channel ${channelId} has a component "${customId}"`);
    return newest;
  }

  #mentionContext(guild: FakeGuild | undefined): MentionContext {
    return { users: this.#users, guild };
  }

  #storeMessage(message: APIMessage, channel: FakeChannel): void {
    this.#messages.set(message.id, message);
    if (!((message.flags ?? 0) & MessageFlag.Ephemeral)) channel.last_message_id = message.id;
  }

  #storeFile(pathname: string, file: { data: Buffer; contentType: string }): string {
    this.#files.set(pathname, file);
    return `${this.baseUrl}${pathname}`;
  }

  #fileHost() {
    return {
      store: (pathname: string, file: { data: Buffer; contentType: string }) =>
        this.#storeFile(pathname, file),
    };
  }

  /** Dispatches a bot-created or edited message back to the bot, as Discord does (never ephemeral ones). */
  #announce(
    event: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE',
    message: APIMessage,
    guild: FakeGuild | undefined,
  ): void {
    if ((message.flags ?? 0) & MessageFlag.Ephemeral) return;
    this.#dispatchMessage(event, message, guild);
  }

  #announceDelete(message: APIMessage, guild: FakeGuild | undefined): void {
    if ((message.flags ?? 0) & MessageFlag.Ephemeral) return;
    const needed = guild ? Intent.GuildMessages : Intent.DirectMessages;
    this.#gateway.dispatch('MESSAGE_DELETE', (session) =>
      session.intents & needed
        ? { id: message.id, channel_id: message.channel_id, ...(guild ? { guild_id: guild.id } : {}) }
        : undefined,
    );
  }

  #dispatchMessage(event: string, message: APIMessage, guild: FakeGuild | undefined): void {
    const member = guild?.members.find((m) => m.user.id === message.author.id);
    const channelType = this.#channels.get(message.channel_id)?.channel.type ?? ChannelType.GuildText;
    this.#gateway.dispatch(event, (session) => {
      if (!(session.intents & (guild ? Intent.GuildMessages : Intent.DirectMessages))) return undefined;
      // Discord's MESSAGE_CONTENT rule: DMs, messages mentioning the bot and the bot's own messages keep
      // their content; everything else arrives empty without the intent.
      const visible =
        !guild ||
        session.intents & Intent.MessageContent ||
        message.author.id === this.botUser.id ||
        message.mentions.some((user) => user.id === this.botUser.id);
      // discord.js needs channel_type to build an uncached DM channel (Partials.Channel) for the message.
      const shown = { ...(visible ? message : withoutContent(message)), channel_type: channelType };
      if (!guild) return shown;
      const memberPart = member ? (({ user: _user, ...rest }) => rest)(member) : undefined;
      return { ...shown, guild_id: guild.id, ...(memberPart ? { member: memberPart } : {}) };
    });
  }

  #record(record: RecordedRequest): void {
    this.requests.push(record);
    this.#changed();
  }

  #changed(): void {
    this.#events.emit('change');
  }

  #now(): number {
    return performance.now() - this.#startedAt;
  }

  #recent(): string {
    const lines = this.requests
      .slice(-12)
      .map(
        (r) =>
          `  ${r.method} ${r.path} → ${r.status}${r.status >= 400 ? ` ${JSON.stringify(r.response)}` : ''}`,
      );
    return lines.length > 0 ? `Recent requests:\n${lines.join('\n')}` : 'No requests were received.';
  }
}

function allowedCallbacks(interactionType: number): number[] {
  switch (interactionType) {
    case InteractionKind.Ping:
      return [1];
    case InteractionKind.Command:
      return [4, 5, 9];
    case InteractionKind.Component:
      return [4, 5, 6, 7, 9];
    case InteractionKind.Autocomplete:
      return [8];
    case InteractionKind.ModalSubmit:
      return [4, 5, 6, 7];
    default:
      return [];
  }
}

/**
 * Starts the fake Discord on a random free port of 127.0.0.1 and returns it. Give the client
 * `rest: { api: server.apiUrl }` and log in with `server.token`; stop it with `server.stop()`.
 *
 * @example
 * const server = await startDiscordServer();
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: server.apiUrl } });
 * await client.login(server.token);
 */
export async function startDiscordServer(options: DiscordServerOptions = {}): Promise<DiscordServer> {
  let server: DiscordServer | undefined;
  const http = createServer((req, res) => {
    if (!server) {
      res.writeHead(503).end();
      return;
    }
    server.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: String(error), code: 0 }));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  server = new DiscordServer(http, wss, port, options);
  const ready = server;
  http.on('upgrade', (req, socket, head) => {
    const pathname = new URL(req.url ?? '/', 'http://fake.invalid').pathname;
    if (pathname !== '/gateway' && pathname !== '/gateway-resume') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => ready.acceptGateway(ws, req));
  });
  return server;
}
