import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type APIInteraction, type APIInteractionResponse, InteractionType, REST } from 'discord.js';
import type { Services } from '../../../commands/types.js';
import type { Logger } from '../../log.js';
import { InteractionHandler } from '../interactions.js';
import { inputFromPayload } from './normalize.js';
import { HttpResponder } from './responder.js';
import { checkSignature, importPublicKey } from './verify.js';

/** Interaction payloads are a few kilobytes; anything this large is not from Discord. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface InteractionServerOptions {
  port?: number;
  host?: string;
  /** Hex Ed25519 public key of the application; defaults to DISCORD_PUBLIC_KEY. */
  publicKey?: string;
  maxBodyBytes?: number;
  /**
   * How long a handler may take to acknowledge before the server acknowledges for it (a deferral), so
   * the HTTP response always comes within Discord's 3 seconds.
   */
  ackDeadlineMs?: number;
}

export interface InteractionServer {
  /** e.g. `http://127.0.0.1:8080`; Discord's Interactions Endpoint URL is this plus `/interactions`. */
  readonly url: string;
  readonly port: number;
  readonly handler: InteractionHandler;
  /** Stops accepting requests and waits for the interactions in progress to finish. */
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

/** The raw request body, refusing more than `max` bytes (by Content-Length up front, or as it streams). */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/**
 * Starts Discord's "HTTP interactions" endpoint: `POST /interactions` takes the interactions Discord
 * sends when the application's Interactions Endpoint URL points here, `GET /healthz` answers `ok` for a
 * load balancer. Each request's Ed25519 signature (`X-Signature-Ed25519` over `X-Signature-Timestamp` +
 * raw body) is checked before the body is parsed: a missing, malformed, stale or wrong signature gets
 * 401, a body over 64 KB 413. PING gets PONG; a command is deferred in the HTTP response itself and
 * answered through the interaction's webhook at `DISCORD_API_URL` (no bot token needed); autocomplete,
 * and button clicks that can be answered at once, are answered in the response. The workers keep no
 * connection to Discord, so any number can run behind a load balancer.
 *
 * @example
 * const server = await startInteractionServer(services, { port: 0 });
 * // Developer Portal → Interactions Endpoint URL: https://bot.example.org/interactions
 */
export async function startInteractionServer(
  services: Services,
  options: InteractionServerOptions = {},
): Promise<InteractionServer> {
  const { config } = services;
  const hex = options.publicKey ?? config.DISCORD_PUBLIC_KEY;
  if (!hex) throw new Error('the HTTP interactions server needs the application public key');
  const publicKey = importPublicKey(hex);
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const ackDeadlineMs = options.ackDeadlineMs ?? 2500;
  const log = services.log.child({ module: 'http' });
  const handler = new InteractionHandler(services);
  // Webhook calls carry the interaction token in their path; no Authorization header is sent.
  const rest = new REST({ api: config.DISCORD_API_URL, version: '10' });
  const running = new Set<Promise<void>>();

  async function interaction(req: IncomingMessage, res: ServerResponse, reqLog: Logger): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      reqLog.warn('request body too large');
      send(res, 413, { message: 'request body too large' }, { connection: 'close' });
      res.once('finish', () => req.destroy());
      return;
    }
    const check = checkSignature(publicKey, {
      signature: header(req, 'x-signature-ed25519'),
      timestamp: header(req, 'x-signature-timestamp'),
      body,
    });
    if (!check.ok) {
      reqLog.warn({ reason: check.reason }, 'request signature refused');
      send(res, 401, { message: 'invalid request signature' });
      return;
    }
    let payload: APIInteraction;
    try {
      payload = JSON.parse(body.toString('utf8')) as APIInteraction;
    } catch {
      send(res, 400, { message: 'the body is not JSON' });
      return;
    }
    if (payload.type === InteractionType.Ping) {
      reqLog.info('ping');
      send(res, 200, { type: 1 });
      return;
    }
    const input = inputFromPayload(payload);
    if (!input || typeof payload.token !== 'string' || typeof payload.application_id !== 'string') {
      send(res, 400, { message: 'not an interaction' });
      return;
    }
    const responder = new HttpResponder(
      input.kind,
      { rest, applicationId: payload.application_id, token: payload.token },
      reqLog.child({ interaction: input.id }),
    );
    const work = handler
      .handle(input, responder)
      .then(() => responder.settle())
      .catch((err: unknown) => reqLog.error({ err }, 'interaction handler failed'));
    running.add(work);
    void work.finally(() => running.delete(work));
    const deadline = setTimeout(() => {
      reqLog.warn({ ms: ackDeadlineMs }, 'acknowledging for a slow handler');
      responder.settle();
    }, ackDeadlineMs);
    let first: APIInteractionResponse;
    try {
      first = await responder.initial;
    } finally {
      clearTimeout(deadline);
    }
    reqLog.debug({ type: first.type }, 'acknowledged');
    res.once('finish', () => responder.sent());
    // If the connection is gone, webhook calls would find an unacknowledged interaction; let them try.
    res.once('close', () => responder.sent());
    send(res, 200, first);
  }

  const server: Server = createServer((req, res) => {
    const reqLog = log.child({ request: randomBytes(4).toString('hex') });
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    const routes: Record<string, string[]> = { '/interactions': ['POST'], '/healthz': ['GET', 'HEAD'] };
    const allowed = routes[path];
    if (!allowed) {
      send(res, 404, { message: 'not found' });
      return;
    }
    if (!allowed.includes(method)) {
      send(res, 405, { message: 'method not allowed' }, { allow: allowed.join(', ') });
      return;
    }
    if (path === '/healthz') {
      send(res, 200, 'ok');
      return;
    }
    interaction(req, res, reqLog).catch((err: unknown) => {
      reqLog.error({ err }, 'interaction request failed');
      if (!res.headersSent) send(res, 500, { message: 'internal error' });
      else res.end();
    });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  server.listen(options.port ?? config.HTTP_PORT, options.host ?? config.HTTP_HOST);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
  log.info({ port: address.port, host: address.address }, 'HTTP interactions endpoint listening');
  return {
    url,
    port: address.port,
    handler,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.allSettled([...running]);
      server.closeAllConnections();
      await closed;
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
