/**
 * Fetching one web page for the moderators' `/add-article url:` command and for Discord attachments.
 * The URL comes from a person in a chat, so the fetch is treated as hostile input: only http(s), no
 * private addresses (checked on the resolved addresses, and the connection is pinned to the address that
 * was checked, so a DNS answer that changes between check and connect cannot reach the inside), redirects
 * followed by hand and re-checked, one deadline over the whole exchange, and a byte cap on both the
 * bytes on the wire and the decompressed bytes.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { addAbortSignal } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { AppError, isAppError } from '../errors.js';

export interface FetchOptions {
  /** Deadline for the whole fetch: DNS, connect, headers, every redirect and the body (FETCH_TIMEOUT_MS). */
  timeoutMs: number;
  /** Largest body accepted, on the wire and after decompression (FETCH_MAX_BYTES). */
  maxBytes: number;
  /** Whether private, loopback and other non-public addresses may be fetched (FETCH_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Cancels the fetch; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Addresses refused when `allowPrivate` is false, replacing the built-in non-public ranges (see
   * `describeNonPublicAddress`). Lets tests, whose servers can only live on loopback, refuse one
   * loopback address while allowing another.
   */
  blockList?: BlockList;
  /** Host name resolver; default `dns.lookup` with `all: true`. Lets tests resolve made-up names. */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
  /**
   * The type to assume when the server names none or only `application/octet-stream` (a Discord
   * attachment whose file name says what it is); must be one of `ACCEPTED_TYPES`. The body is still
   * refused if it holds NUL bytes.
   */
  typeHint?: string;
}

/** A fetched page: the URL it was finally read from, its declared type and its decoded body. */
export interface FetchedPage {
  /** Final URL, after redirects. */
  url: string;
  /** The Content-Type header as sent, e.g. `text/html; charset=utf-8`. */
  contentType: string;
  /** The body, with any Content-Encoding (gzip, deflate, br) undone. */
  bytes: Uint8Array;
}

/** Longest URL accepted; browsers and CDNs stop around here, and a longer one is not an article link. */
export const MAX_URL_LENGTH = 2048;
/** Redirects followed before giving up; five covers http→https→www→canonical with room to spare. */
export const MAX_REDIRECTS = 5;
/** Media types newsdesk can read (see `src/corpus/load.ts`). */
export const ACCEPTED_TYPES = [
  'text/html',
  'application/xhtml+xml',
  'text/plain',
  'text/markdown',
  'text/x-markdown',
] as const;
export const USER_AGENT = 'newsdesk/0.1 (news article fetcher for a Discord bot)';

/** Non-public ranges, each with the words a moderator reads; `v6Only` ranges are checked on IPv6 only. */
const RANGES: ReadonlyArray<{ label: string; cidrs: readonly string[]; v6Only?: boolean }> = [
  { label: 'an unspecified address', cidrs: ['0.0.0.0/8', '::/128'] },
  { label: 'a loopback address (this machine)', cidrs: ['127.0.0.0/8', '::1/128'] },
  { label: 'a private address', cidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fec0::/10'] },
  { label: 'a unique-local address', cidrs: ['fc00::/7'] },
  { label: 'a link-local address', cidrs: ['169.254.0.0/16', 'fe80::/10'] },
  { label: 'a carrier-grade NAT address', cidrs: ['100.64.0.0/10'] },
  { label: 'a multicast address', cidrs: ['224.0.0.0/4', 'ff00::/8'] },
  {
    label: 'a reserved address',
    cidrs: [
      '192.0.0.0/24',
      '192.0.2.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      '240.0.0.0/4',
      '100::/64',
      '2001:db8::/32',
    ],
  },
  // Mapped and compatible forms carry an IPv4 address inside IPv6 ("::ffff:10.0.0.5"); all are refused,
  // public or not, since no news site needs them. Node's BlockList matches an IPv6 rule in ::ffff:0:0/96
  // against every plain IPv4 address too, hence IPv6 only.
  {
    label: 'an IPv4-mapped IPv6 address',
    cidrs: ['::ffff:0:0/96', '::/96', '64:ff9b:1::/48'],
    v6Only: true,
  },
];

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net = '', prefix = ''] = cidr.split('/');
    list.addSubnet(net, Number(prefix), isIP(net) === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

const LABELLED = RANGES.map(({ label, cidrs, v6Only }) => ({ label, v6Only, list: blockListOf(cidrs) }));

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/**
 * What kind of non-public address `address` is, in words for a moderator (`a private address`,
 * `a loopback address (this machine)`, …), or `undefined` for a public address or a non-address.
 * Covers private, loopback, link-local, unique-local, carrier-grade NAT, multicast, unspecified,
 * reserved and IPv4-mapped IPv6 addresses (a mapped private address is named by its IPv4 kind).
 *
 * @example describeNonPublicAddress('10.0.0.5') === 'a private address'
 */
export function describeNonPublicAddress(address: string): string | undefined {
  if (isIP(address) === 0) return undefined;
  const family = familyOf(address);
  return LABELLED.find(({ list, v6Only }) => (family === 'ipv6' || !v6Only) && list.check(address, family))
    ?.label;
}

function defaultResolve(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });
}

/**
 * Resolves the host of `url` and returns its addresses once every one of them is allowed: an IP literal
 * is checked as it is, a name through DNS. Any non-public address refuses the whole host (an attacker
 * controlling the DNS answer could otherwise mix one public address with an internal one). Throws
 * `FETCH_REFUSED` naming the address and its kind, or `FETCH_FAILED` when the name does not resolve.
 *
 * @example await resolveAllowedAddresses(new URL('http://10.0.0.5/'), { allowPrivate: false })
 * // throws AppError FETCH_REFUSED "http://10.0.0.5/ is a private address"
 */
export async function resolveAllowedAddresses(
  url: URL,
  options: Pick<FetchOptions, 'allowPrivate' | 'blockList' | 'resolve'>,
): Promise<LookupAddress[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  const literal = isIP(host);
  if (literal !== 0) {
    addresses = [{ address: host, family: literal }];
  } else {
    try {
      addresses = await (options.resolve ?? defaultResolve)(host);
    } catch (err) {
      throw new AppError(
        'FETCH_FAILED',
        { url: url.href, detail: `${url.href}: ${networkReason(err, host)}` },
        { cause: err },
      );
    }
    if (addresses.length === 0) {
      throw new AppError('FETCH_FAILED', { url: url.href, detail: `${url.href}: no such host ${host}` });
    }
  }
  if (options.allowPrivate) return addresses;
  for (const { address } of addresses) {
    const kind = options.blockList
      ? options.blockList.check(address, familyOf(address))
        ? 'a blocked address'
        : undefined
      : describeNonPublicAddress(address);
    if (!kind) continue;
    const detail = literal !== 0 ? `${url.href} is ${kind}` : `${url.href} resolves to ${address}, ${kind}`;
    throw new AppError('FETCH_REFUSED', { url: url.href, address, detail });
  }
  return addresses;
}

/**
 * Parses and checks a URL a person typed: http or https only, no user name or password, at most
 * `MAX_URL_LENGTH` characters. `base` resolves a relative redirect target. Throws `FETCH_REFUSED`
 * saying what is wrong.
 *
 * @example parseFetchUrl('ftp://example.com/a.txt') // throws FETCH_REFUSED "… only http and https …"
 */
export function parseFetchUrl(raw: string, base?: URL): URL {
  const shown = raw.length > 80 ? `${raw.slice(0, 77)}…` : raw;
  if (raw.length > MAX_URL_LENGTH) {
    throw new AppError('FETCH_REFUSED', {
      url: shown,
      detail: `the address is ${raw.length} characters long, the limit is ${MAX_URL_LENGTH}`,
    });
  }
  let url: URL;
  try {
    url = new URL(raw.trim(), base);
  } catch (err) {
    throw new AppError(
      'FETCH_REFUSED',
      { url: shown, detail: `${shown} is not a web address` },
      { cause: err },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('FETCH_REFUSED', {
      url: shown,
      detail: `${shown} is not a web address (only http and https are fetched)`,
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw new AppError('FETCH_REFUSED', {
      url: `${url.protocol}//${url.host}${url.pathname}`,
      detail: 'the address holds a user name or password; newsdesk only fetches public pages',
    });
  }
  if (url.href.length > MAX_URL_LENGTH) {
    throw new AppError('FETCH_REFUSED', {
      url: shown,
      detail: `the address is ${url.href.length} characters long, the limit is ${MAX_URL_LENGTH}`,
    });
  }
  return url;
}

/**
 * Fetches one page over http(s) and returns its final URL, Content-Type and decoded body. Every hop of
 * a redirect chain (at most `MAX_REDIRECTS`) is checked like the first URL, and the connection goes to
 * exactly the address that was checked. Refusals and failures throw `AppError` whose `detail` a
 * moderator can act on: `FETCH_REFUSED` (scheme, credentials, length, non-public address),
 * `FETCH_FAILED` (DNS, connection, non-2xx status, too many redirects), `FETCH_TIMEOUT` (the whole
 * exchange took longer than `timeoutMs`), `FETCH_TOO_LARGE` (declared, streamed or decompressed size over
 * `maxBytes`), `FETCH_BAD_TYPE` (not HTML, XHTML, plain text or Markdown, or binary bytes under a text
 * type). Cancelling `signal` rejects with the signal's reason.
 *
 * @example
 * const page = await fetchPage('https://example.com/news/1', { timeoutMs: 10_000, maxBytes: 5e6, allowPrivate: false });
 * // → { url: 'https://example.com/news/1', contentType: 'text/html; charset=utf-8', bytes: Uint8Array(…) }
 */
export async function fetchPage(raw: string, options: FetchOptions): Promise<FetchedPage> {
  options.signal?.throwIfAborted();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  let url = parseFetchUrl(raw);
  try {
    for (let hop = 0; ; hop++) {
      const addresses = await untilAborted(resolveAllowedAddresses(url, options), signal);
      const res = await request(url, addresses, signal);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && status !== 304) {
        res.destroy();
        const location = res.headers.location;
        if (!location) {
          throw new AppError('FETCH_FAILED', {
            url: url.href,
            status,
            detail: `${url.href} redirected (${status}) without saying where to`,
          });
        }
        if (hop >= MAX_REDIRECTS) {
          throw new AppError('FETCH_FAILED', {
            url: raw,
            detail: `${raw} redirected more than ${MAX_REDIRECTS} times`,
          });
        }
        url = parseFetchUrl(location, url);
        continue;
      }
      if (status < 200 || status >= 300) {
        res.destroy();
        const text = res.statusMessage ? ` ${res.statusMessage}` : '';
        throw new AppError('FETCH_FAILED', {
          url: url.href,
          status,
          detail: `${url.href} answered ${status}${text}`,
        });
      }
      const contentType = checkContentType(res, url, options.typeHint);
      const bytes = await readBody(res, url, options.maxBytes);
      // Binary data under a text type (an image served as text/html, a PDF behind a misconfigured CDN)
      // would reach the cleaner as garbage; NUL bytes never occur in HTML or text in UTF-8 or Latin-1.
      if (bytes.includes(0)) {
        throw new AppError('FETCH_BAD_TYPE', {
          url: url.href,
          contentType,
          detail: `${url.href} says it is ${mediaType(contentType)} but holds binary data`,
        });
      }
      return { url: url.href, contentType, bytes };
    }
  } catch (err) {
    if (deadline.signal.aborted && !options.signal?.aborted) {
      throw new AppError(
        'FETCH_TIMEOUT',
        { url: url.href, detail: `${url.href} took longer than ${options.timeoutMs} ms` },
        { cause: err },
      );
    }
    if (options.signal?.aborted) throw options.signal.reason;
    if (isAppError(err)) throw err;
    throw new AppError(
      'FETCH_FAILED',
      { url: url.href, detail: `${url.href}: ${networkReason(err, url.hostname)}` },
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** `promise`, or a rejection as soon as `signal` aborts (DNS lookups cannot be cancelled themselves). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** Sends one GET and resolves with the response once its headers are in. */
function request(url: URL, addresses: LookupAddress[], signal: AbortSignal): Promise<IncomingMessage> {
  const first = addresses[0]!;
  // Node asks for every address (`all`) when it races IPv4 and IPv6 (autoSelectFamily), and for one
  // otherwise; either way it only ever gets addresses that were checked, never a fresh DNS answer.
  const pinnedLookup = (_host: string, opts: { all?: boolean }, callback: LookupCallback) => {
    if (opts.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: {
          host: url.host,
          'user-agent': USER_AGENT,
          accept:
            'text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,application/octet-stream;q=0.1',
          'accept-encoding': 'gzip, deflate, br',
        },
        // A one-off agent: no pooled socket from an earlier request (to an address checked then) is reused.
        agent: false,
        lookup: pinnedLookup as unknown as typeof dnsLookup,
        signal,
      },
      (res) => {
        addAbortSignal(signal, res);
        resolve(res);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** The Content-Type header, once it names a type newsdesk reads; refuses anything else before the body. */
function checkContentType(res: IncomingMessage, url: URL, typeHint?: string): string {
  const contentType = (res.headers['content-type'] ?? '').trim();
  const type = mediaType(contentType);
  if ((ACCEPTED_TYPES as readonly string[]).includes(type)) return contentType;
  const hinted = typeHint && (ACCEPTED_TYPES as readonly string[]).includes(mediaType(typeHint));
  if (hinted && (type === '' || type === 'application/octet-stream')) return typeHint;
  res.destroy();
  throw new AppError('FETCH_BAD_TYPE', {
    url: url.href,
    contentType,
    detail: type
      ? `${url.href} is ${type}, not a web page or text (HTML, plain text or Markdown)`
      : `${url.href} does not say what kind of document it is`,
  });
}

const decoders: Record<string, (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify<Buffer, zlib.ZlibOptions, Buffer>(zlib.gunzip),
  'x-gzip': promisify<Buffer, zlib.ZlibOptions, Buffer>(zlib.gunzip),
  br: promisify<Buffer, zlib.BrotliOptions, Buffer>(zlib.brotliDecompress),
  deflate: async (buf, opts) => {
    // "deflate" should be zlib-wrapped, but some servers send raw deflate; a zlib header's first byte has
    // compression method 8 and the two header bytes are a multiple of 31.
    const wrapped = buf.length >= 2 && (buf[0]! & 0x0f) === 8 && ((buf[0]! << 8) | buf[1]!) % 31 === 0;
    return promisify<Buffer, zlib.ZlibOptions, Buffer>(wrapped ? zlib.inflate : zlib.inflateRaw)(buf, opts);
  },
};

/**
 * Reads the body under the byte cap: a declared Content-Length over the cap is refused before reading,
 * a stream that goes on past the cap is cut there, and the decompressed size is capped too (a few
 * kilobytes of gzip can unpack to gigabytes).
 */
async function readBody(res: IncomingMessage, url: URL, maxBytes: number): Promise<Buffer> {
  const tooLarge = (what: string) =>
    new AppError('FETCH_TOO_LARGE', {
      url: url.href,
      limit: maxBytes,
      detail: `${url.href} ${what}, the limit is ${maxBytes} bytes (FETCH_MAX_BYTES)`,
    });
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw tooLarge(`is ${declared} bytes`);
  }
  const encodings = (res.headers['content-encoding'] ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity');
  const unknown = encodings.find((e) => !(e in decoders));
  if (unknown) {
    res.destroy();
    throw new AppError('FETCH_BAD_TYPE', {
      url: url.href,
      detail: `${url.href} is sent with the ${unknown} encoding, which newsdesk cannot read`,
    });
  }

  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      res.destroy();
      throw tooLarge('is larger than that');
    }
    chunks.push(chunk);
  }
  let body: Buffer = Buffer.concat(chunks, total);
  // Encodings are listed in the order they were applied; undo them last first.
  for (const encoding of encodings.reverse()) {
    try {
      body = await decoders[encoding]!(body, { maxOutputLength: maxBytes });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw tooLarge(`unpacks to more than ${maxBytes} bytes`);
      }
      throw new AppError(
        'FETCH_FAILED',
        { url: url.href, detail: `${url.href} sent a damaged ${encoding} body` },
        { cause: err },
      );
    }
  }
  return body;
}

/** A short reason for a network error, in words rather than an errno. */
function networkReason(err: unknown, host: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
      return `no such host ${host}`;
    case 'EAI_AGAIN':
      return `the name ${host} could not be looked up (DNS failure)`;
    case 'ECONNREFUSED':
      return 'the connection was refused';
    case 'ECONNRESET':
      return 'the connection was closed before the page was complete';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host cannot be reached';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_HEADER_OVERFLOW':
      return 'the server did not answer in HTTP';
    default:
      if (/CERT|SELF_SIGNED|SSL|TLS/i.test(code)) return `its TLS certificate is not valid (${code})`;
      return (err as Error | undefined)?.message || 'the connection failed';
  }
}
