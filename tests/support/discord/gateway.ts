import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { parseShard, type ShardPair, shardReceives } from './shards.js';

/** Gateway opcodes the fake speaks (Discord's numbers). */
export const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** Gateway intents the fake filters on (Discord's bits). */
export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

export const PRIVILEGED_INTENTS = Intent.GuildMembers | Intent.GuildPresences | Intent.MessageContent;

/** Close codes from Discord's table that the fake uses. */
export const CloseCode = {
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidApiVersion: 4012,
  InvalidIntents: 4013,
  InvalidShard: 4010,
  DisallowedIntents: 4014,
} as const;

interface Payload {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

/** One gateway session: survives a dropped connection so the client can RESUME it. */
export interface GatewaySession {
  id: string;
  intents: number;
  /** The last sequence number sent in this session. */
  seq: number;
  /** Every dispatch of the session, for replay on RESUME. */
  sent: Payload[];
  socket: WebSocket | null;
  identify: Record<string, unknown>;
  resumes: number;
  invalidated: boolean;
  /** `[shard_id, num_shards]` from IDENTIFY (`[0, 1]` without one): which guilds' events it receives. */
  shard: ShardPair;
}

/** A gateway frame as the test sees it in `server.gatewayLog`. */
export interface GatewayLogEntry {
  direction: 'in' | 'out';
  op: number;
  t: string | null;
  s: number | null;
  sessionId: string | null;
  /** Milliseconds since the server started. */
  at: number;
}

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  /** Privileged intents the application is approved for; others close with 4014. */
  privilegedIntents: number;
  resumeUrl: () => string;
  /** Returns the READY payload (without session fields) and the guilds to send after it. */
  readyPayload: (session: GatewaySession) => { ready: Record<string, unknown>; guilds: unknown[] };
  log: (entry: GatewayLogEntry) => void;
  now: () => number;
}

/**
 * The gateway side of the fake: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, RESUME with replay,
 * sequence numbers, and dispatches from the test filtered by each session's intents.
 */
export class Gateway {
  readonly sessions = new Map<string, GatewaySession>();
  readonly #options: GatewayOptions;
  readonly #sockets = new Set<WebSocket>();

  constructor(options: GatewayOptions) {
    this.#options = options;
  }

  /** Takes over a freshly upgraded WebSocket: checks the query, says HELLO and handles frames. */
  accept(socket: WebSocket, req: IncomingMessage): void {
    this.#sockets.add(socket);
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    let session: GatewaySession | null = null;
    socket.on('close', (code) => {
      this.#sockets.delete(socket);
      if (session && session.socket === socket) {
        session.socket = null;
        // A normal close by the client ends the session on Discord; other codes (discord.js uses 4200
        // when it intends to resume) keep it resumable.
        if (code === 1000 || code === 1001) session.invalidated = true;
      }
    });
    if (url.searchParams.get('v') !== '10') {
      socket.close(CloseCode.InvalidApiVersion, 'Invalid API version');
      return;
    }
    if (url.searchParams.get('encoding') !== 'json') {
      // etf and zlib-stream are not implemented: fail loudly rather than send frames the client misreads.
      socket.close(CloseCode.DecodeError, 'The fake gateway only speaks encoding=json');
      return;
    }
    if (url.searchParams.has('compress')) {
      socket.close(CloseCode.DecodeError, 'The fake gateway does not implement zlib-stream compression');
      return;
    }
    this.#send(socket, null, {
      op: Op.Hello,
      d: { heartbeat_interval: this.#options.heartbeatIntervalMs, _trace: ['["fake-gateway",{"micros":0}]'] },
      s: null,
      t: null,
    });

    socket.on('message', (raw, isBinary) => {
      let frame: { op?: unknown; d?: unknown };
      try {
        if (isBinary) throw new Error('binary');
        frame = JSON.parse(raw.toString());
      } catch {
        socket.close(CloseCode.DecodeError, 'Error while decoding payload.');
        return;
      }
      this.#options.log({
        direction: 'in',
        op: typeof frame.op === 'number' ? frame.op : -1,
        t: null,
        s: null,
        sessionId: session?.id ?? null,
        at: this.#options.now(),
      });
      switch (frame.op) {
        case Op.Heartbeat:
          this.#send(socket, session, { op: Op.HeartbeatAck, d: null, s: null, t: null });
          return;
        case Op.Identify:
          if (session) {
            socket.close(CloseCode.AlreadyAuthenticated, 'You sent more than one identify payload.');
            return;
          }
          session = this.#identify(socket, frame.d);
          return;
        case Op.Resume:
          if (session) {
            socket.close(CloseCode.AlreadyAuthenticated, 'You sent more than one identify payload.');
            return;
          }
          session = this.#resume(socket, frame.d);
          return;
        case Op.PresenceUpdate:
        case Op.VoiceStateUpdate:
        case Op.RequestGuildMembers:
          if (!session) socket.close(CloseCode.NotAuthenticated, 'You sent a payload prior to identifying.');
          return;
        default:
          socket.close(CloseCode.UnknownOpcode, 'Unknown opcode.');
      }
    });
  }

  #identify(socket: WebSocket, data: unknown): GatewaySession | null {
    const d = (data ?? {}) as Record<string, unknown>;
    if (d.token !== this.#options.token) {
      socket.close(CloseCode.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    if (typeof d.intents !== 'number' || !Number.isInteger(d.intents) || d.intents < 0) {
      socket.close(CloseCode.InvalidIntents, 'Invalid intent(s).');
      return null;
    }
    if (d.intents & PRIVILEGED_INTENTS & ~this.#options.privilegedIntents) {
      socket.close(CloseCode.DisallowedIntents, 'Disallowed intent(s).');
      return null;
    }
    const shard = parseShard(d.shard);
    if (!shard) {
      socket.close(CloseCode.InvalidShard, 'Invalid shard.');
      return null;
    }
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      intents: d.intents,
      seq: 0,
      sent: [],
      socket,
      identify: d,
      resumes: 0,
      invalidated: false,
      shard,
    };
    this.sessions.set(session.id, session);
    const { ready, guilds } = this.#options.readyPayload(session);
    this.#dispatchTo(session, 'READY', {
      ...ready,
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.#options.resumeUrl(),
      shard: Array.isArray(d.shard) ? d.shard : undefined,
    });
    // discord.js only marks itself ready once every guild listed (as unavailable) in READY has arrived.
    if (session.intents & Intent.Guilds) {
      for (const guild of guilds) this.#dispatchTo(session, 'GUILD_CREATE', guild);
    }
    return session;
  }

  #resume(socket: WebSocket, data: unknown): GatewaySession | null {
    const d = (data ?? {}) as Record<string, unknown>;
    if (d.token !== this.#options.token) {
      socket.close(CloseCode.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    if (!session || session.invalidated || typeof d.seq !== 'number' || d.seq > session.seq) {
      // d: false tells the client the session cannot be resumed and it must identify again.
      this.#send(socket, null, { op: Op.InvalidSession, d: false, s: null, t: null });
      return null;
    }
    session.socket?.terminate();
    session.socket = socket;
    session.resumes += 1;
    const since = d.seq;
    for (const payload of session.sent) {
      if (payload.s !== null && payload.s > since) this.#send(socket, session, payload);
    }
    this.#dispatchTo(session, 'RESUMED', { _trace: ['["fake-gateway",{"micros":0}]'] });
    return session;
  }

  #send(socket: WebSocket, session: GatewaySession | null, payload: Payload): void {
    this.#options.log({
      direction: 'out',
      op: payload.op,
      t: payload.t,
      s: payload.s,
      sessionId: session?.id ?? null,
      at: this.#options.now(),
    });
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  }

  #dispatchTo(session: GatewaySession, t: string, d: unknown): void {
    session.seq += 1;
    const payload: Payload = { op: Op.Dispatch, d, s: session.seq, t };
    session.sent.push(payload);
    if (session.socket) this.#send(session.socket, session, payload);
  }

  /** The sessions that still receive events (identified and not ended by a normal close). */
  liveSessions(): GatewaySession[] {
    return [...this.sessions.values()].filter((session) => !session.invalidated);
  }

  /**
   * Sends a dispatch to every live session; `build` returns the payload for a session, or undefined to
   * skip it (the session lacks the intent). Sessions whose connection dropped get it on RESUME.
   * With several shards, a payload with a `guild_id` goes to that guild's shard only, and one without
   * (a DM) to shard 0. Returns how many sessions it was queued for.
   */
  dispatch(t: string, build: (session: GatewaySession) => unknown): number {
    let count = 0;
    for (const session of this.liveSessions()) {
      const d = build(session);
      if (d === undefined) continue;
      const guildId = (d as { guild_id?: unknown }).guild_id;
      if (!shardReceives(session.shard, typeof guildId === 'string' ? guildId : undefined)) continue;
      this.#dispatchTo(session, t, d);
      count += 1;
    }
    return count;
  }

  /**
   * Drops every gateway connection the way a network fault or a Discord-side restart would: with `code`
   * (4000 by default, which discord.js answers with RESUME), or abruptly (`terminate`) with no close frame.
   */
  drop(mode: { code?: number; terminate?: boolean } = {}): number {
    let dropped = 0;
    for (const session of this.sessions.values()) {
      const socket = session.socket;
      if (!socket) continue;
      session.socket = null;
      dropped += 1;
      if (mode.terminate) socket.terminate();
      else socket.close(mode.code ?? CloseCode.UnknownError, 'Dropped by the test');
    }
    return dropped;
  }

  /** Asks every connected client to reconnect and resume (opcode 7), as Discord does before maintenance. */
  requestReconnect(): void {
    for (const session of this.sessions.values()) {
      if (session.socket)
        this.#send(session.socket, session, { op: Op.Reconnect, d: null, s: null, t: null });
    }
  }

  /** Closes every socket immediately (server shutdown). */
  closeAll(): void {
    for (const socket of this.#sockets) socket.terminate();
    this.#sockets.clear();
    for (const session of this.sessions.values()) session.socket = null;
  }
}
