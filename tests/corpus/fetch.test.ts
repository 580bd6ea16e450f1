import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { BlockList } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeNonPublicAddress,
  type FetchOptions,
  fetchPage,
  MAX_URL_LENGTH,
  parseFetchUrl,
  resolveAllowedAddresses,
} from '../../src/corpus/fetch.js';
import { AppError } from '../../src/errors.js';

const PAGE = `<!doctype html><html><head><title>Harbour bank raises rates</title></head>
<body><article><p>The harbour bank raised its main rate by a quarter point on Tuesday.</p></article></body></html>`;

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface TestServer {
  url: string;
  port: number;
  hits: string[];
  headers: http.IncomingHttpHeaders[];
}

const servers: Array<http.Server | https.Server> = [];

afterEach(async () => {
  // Close every server and cut every socket still open, so no test leaves a handle behind.
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: Handler, host = '127.0.0.1', server: http.Server = http.createServer()) {
  const state: TestServer = { url: '', port: 0, hits: [], headers: [] };
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    state.hits.push(req.url ?? '');
    state.headers.push(req.headers);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  state.port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  state.url = `${server instanceof https.Server ? 'https' : 'http'}://${shownHost}:${state.port}`;
  return state;
}

const html =
  (body: string | Buffer = PAGE, type = 'text/html; charset=utf-8'): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': type });
    res.end(body);
  };

const open: FetchOptions = { timeoutMs: 5_000, maxBytes: 1_000_000, allowPrivate: true };
const closed: FetchOptions = { ...open, allowPrivate: false };

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('fetchPage', () => {
  it('returns the page, its type and the final URL, and names newsdesk as the user agent', async () => {
    const server = await serve(html());
    const page = await fetchPage(`${server.url}/news/harbour-bank`, open);
    expect(page.url).toBe(`${server.url}/news/harbour-bank`);
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(text(page.bytes)).toBe(PAGE);
    expect(server.headers[0]?.['user-agent']).toMatch(/newsdesk/);
  });

  it('accepts plain text and Markdown', async () => {
    const plain = await serve(html('The council met on Monday.', 'text/plain'));
    const md = await serve(html('# Council\n\nThe council met on Monday.', 'text/markdown; charset=utf-8'));
    expect(text((await fetchPage(plain.url, open)).bytes)).toBe('The council met on Monday.');
    expect((await fetchPage(md.url, open)).contentType).toBe('text/markdown; charset=utf-8');
  });

  it.each([
    ['127.0.0.1', 'http://127.0.0.1:{port}/', /is a loopback address/],
    ['[::1]', 'http://[::1]:{port}/', /is a loopback address/],
    ['localhost', 'http://localhost:{port}/', /resolves to (127\.0\.0\.1|::1), a loopback address/],
    ['an IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]:{port}/', /is a loopback address/],
  ])(
    'refuses %s when private addresses are not allowed, without connecting',
    async (_name, pattern, detail) => {
      const server = await serve(html());
      const err = await failure(fetchPage(pattern.replace('{port}', String(server.port)), closed));
      expect(err.code).toBe('FETCH_REFUSED');
      expect(err.context.detail).toMatch(detail);
      expect(server.hits).toEqual([]);
    },
  );

  it('refuses a private 10.x address with a sentence a moderator understands', async () => {
    const err = await failure(fetchPage('http://10.0.0.5/', closed));
    expect(err.code).toBe('FETCH_REFUSED');
    expect(err.context.detail).toBe('http://10.0.0.5/ is a private address');
  });

  it('follows a chain of relative and absolute redirects and reports the final URL', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/short') res.writeHead(301, { location: '/news/2024' }).end();
      else if (req.url === '/news/2024')
        res.writeHead(302, { location: `${server.url}/news/2024/bank` }).end();
      else if (req.url === '/news/2024/bank') res.writeHead(307, { location: 'bank-rates?ref=x' }).end();
      else html()(req, res);
    });
    const page = await fetchPage(`${server.url}/short`, open);
    expect(page.url).toBe(`${server.url}/news/2024/bank-rates?ref=x`);
    expect(server.hits).toEqual(['/short', '/news/2024', '/news/2024/bank', '/news/2024/bank-rates?ref=x']);
  });

  it('refuses a redirect to a blocked address and never connects to it', async () => {
    // Test servers can only live on loopback, so the "public" site is 127.0.0.1 and the "private"
    // target 127.0.0.2 (also loopback on Linux); the block list stands in for the private ranges.
    const inside = await serve(html('internal admin page', 'text/plain'), '127.0.0.2');
    const outside = await serve((_req, res) => res.writeHead(302, { location: `${inside.url}/admin` }).end());
    const blockList = new BlockList();
    blockList.addAddress('127.0.0.2');
    const err = await failure(fetchPage(outside.url, { ...closed, blockList }));
    expect(err.code).toBe('FETCH_REFUSED');
    expect(err.context.detail).toBe(`${inside.url}/admin is a blocked address`);
    expect(outside.hits).toEqual(['/']);
    expect(inside.hits).toEqual([]);
  });

  it('refuses a redirect to a private address under the real ranges', async () => {
    const server = await serve((_req, res) => res.writeHead(302, { location: 'http://10.0.0.5/' }).end());
    // Only the first hop is let through, by resolving a made-up public name to the test server.
    let calls = 0;
    const blockList = new BlockList();
    blockList.addSubnet('10.0.0.0', 8);
    const err = await failure(
      fetchPage(`http://news.test:${server.port}/`, {
        ...closed,
        blockList,
        resolve: async () => {
          calls++;
          return [{ address: '127.0.0.1', family: 4 }];
        },
      }),
    );
    expect(err.code).toBe('FETCH_REFUSED');
    expect(err.context.address).toBe('10.0.0.5');
    expect(calls).toBe(1);
  });

  it('connects to the address it checked, not to a fresh DNS answer', async () => {
    // news.test does not exist in any DNS: the request can only reach the server through the vetted
    // address handed to the connection.
    const server = await serve(html());
    const page = await fetchPage(`http://news.test:${server.port}/story`, {
      ...open,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    expect(text(page.bytes)).toBe(PAGE);
    expect(server.headers[0]?.host).toBe(`news.test:${server.port}`);
  });

  it('gives up after five redirects', async () => {
    const server = await serve((req, res) => {
      const n = Number(req.url?.slice(1) || 0);
      res.writeHead(302, { location: `/${n + 1}` }).end();
    });
    const err = await failure(fetchPage(`${server.url}/0`, open));
    expect(err.code).toBe('FETCH_FAILED');
    expect(err.context.detail).toMatch(/redirected more than 5 times/);
    expect(server.hits).toHaveLength(6);
  });

  it('times out on a server that never answers', async () => {
    const server = await serve(() => {});
    const started = Date.now();
    const err = await failure(fetchPage(server.url, { ...open, timeoutMs: 300 }));
    expect(err.code).toBe('FETCH_TIMEOUT');
    expect(err.context.detail).toMatch(/took longer than 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out on a server that trickles its body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const timer = setInterval(() => res.write('<p>x</p>'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const err = await failure(fetchPage(server.url, { ...open, timeoutMs: 300 }));
    expect(err.code).toBe('FETCH_TIMEOUT');
  });

  it('stops an endless body at the byte cap', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = '<p>more and more and more</p>\n'.repeat(500);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const err = await failure(fetchPage(server.url, { ...open, maxBytes: 64_000 }));
    expect(err.code).toBe('FETCH_TOO_LARGE');
    expect(err.context.detail).toMatch(/the limit is 64000 bytes/);
  });

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '50000000' });
      res.write('<p>start</p>');
    });
    const err = await failure(fetchPage(server.url, { ...open, maxBytes: 10_000 }));
    expect(err.code).toBe('FETCH_TOO_LARGE');
    expect(err.context.detail).toMatch(/is 50000000 bytes/);
  });

  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['deflate', zlib.deflateRawSync],
    ['br', zlib.brotliCompressSync],
  ] as const)('decodes a %s body', async (encoding, compress) => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': encoding });
      res.end(compress(Buffer.from(PAGE)));
    });
    const page = await fetchPage(server.url, open);
    expect(text(page.bytes)).toBe(PAGE);
    expect(server.headers[0]?.['accept-encoding']).toMatch(/gzip/);
  });

  it('caps the decompressed size of a zip bomb', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(20_000_000, ' '));
    expect(bomb.length).toBeLessThan(100_000);
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    const err = await failure(fetchPage(server.url, { ...open, maxBytes: 1_000_000 }));
    expect(err.code).toBe('FETCH_TOO_LARGE');
    expect(err.context.detail).toMatch(/unpacks to more than 1000000 bytes/);
  });

  it('refuses an image', async () => {
    const server = await serve(html('\x89PNG\r\n\x1a\n', 'image/png'));
    const err = await failure(fetchPage(`${server.url}/photo.png`, open));
    expect(err.code).toBe('FETCH_BAD_TYPE');
    expect(err.context.detail).toMatch(/is image\/png, not a web page or text/);
  });

  it('refuses a page without a Content-Type', async () => {
    const server = await serve((_req, res) => {
      res.removeHeader('content-type');
      res.end('hello');
    });
    expect((await failure(fetchPage(server.url, open))).code).toBe('FETCH_BAD_TYPE');
  });

  it('refuses binary bytes served as text/html', async () => {
    const server = await serve(html(Buffer.from([0x25, 0x50, 0x44, 0x46, 0, 1, 2, 3])));
    const err = await failure(fetchPage(server.url, open));
    expect(err.code).toBe('FETCH_BAD_TYPE');
    expect(err.context.detail).toMatch(/says it is text\/html but holds binary data/);
  });

  it('reports a 404 with its status', async () => {
    const server = await serve((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('gone'),
    );
    const err = await failure(fetchPage(`${server.url}/missing`, open));
    expect(err.code).toBe('FETCH_FAILED');
    expect(err.context.status).toBe(404);
    expect(err.context.detail).toBe(`${server.url}/missing answered 404 Not Found`);
  });

  it('reports a refused connection in words', async () => {
    const server = await serve(html());
    const url = server.url;
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    const err = await failure(fetchPage(url, open));
    expect(err.code).toBe('FETCH_FAILED');
    expect(err.context.detail).toMatch(/the connection was refused/);
  });

  it('reports a host name that does not resolve', async () => {
    const err = await failure(fetchPage('http://no-such-host.invalid/', open));
    expect(err.code).toBe('FETCH_FAILED');
    expect(err.context.detail).toMatch(/no such host no-such-host\.invalid|could not be looked up/);
  });

  it('reports a body cut short', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000' });
      res.write('<p>half', () => res.socket?.destroy());
    });
    const err = await failure(fetchPage(server.url, open));
    expect(err.code).toBe('FETCH_FAILED');
  });

  it('rejects with the reason of a cancelled signal', async () => {
    const server = await serve(() => {});
    const controller = new AbortController();
    const reason = new Error('moderator cancelled');
    setTimeout(() => controller.abort(reason), 50);
    await expect(fetchPage(server.url, { ...open, signal: controller.signal })).rejects.toBe(reason);
  });

  it('refuses a server with a certificate nobody vouches for', async () => {
    let dir: string;
    try {
      dir = mkdtempSync(path.join(tmpdir(), 'newsdesk-tls-'));
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          path.join(dir, 'cert.pem'),
        ]),
        { stdio: 'ignore' },
      );
    } catch {
      return; // No openssl on this machine: nothing to test with.
    }
    const server = https.createServer({
      key: readFileSync(path.join(dir, 'key.pem')),
      cert: readFileSync(path.join(dir, 'cert.pem')),
    });
    rmSync(dir, { recursive: true, force: true });
    const state = await serve(html(), '127.0.0.1', server);
    const err = await failure(fetchPage(state.url, open));
    expect(err.code).toBe('FETCH_FAILED');
    expect(err.context.detail).toMatch(/TLS certificate is not valid/);
  });
});

describe('parseFetchUrl', () => {
  it.each([
    'file:///etc/passwd',
    'data:text/html,<p>hi</p>',
    'ftp://example.com/article.txt',
    'javascript:alert(1)',
    'gopher://example.com/',
    'not a url',
  ])('refuses %s', (raw) => {
    expect(() => parseFetchUrl(raw)).toThrow(expect.objectContaining({ code: 'FETCH_REFUSED' }));
  });

  it('refuses credentials in the URL without repeating them', () => {
    const err = (() => {
      try {
        parseFetchUrl('https://editor:hunter2@news.example.com/story');
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(err?.code).toBe('FETCH_REFUSED');
    expect(JSON.stringify(err?.context)).not.toMatch(/hunter2/);
  });

  it('refuses an overlong URL', () => {
    const raw = `https://news.example.com/${'a'.repeat(MAX_URL_LENGTH)}`;
    expect(() => parseFetchUrl(raw)).toThrow(/characters long, the limit is 2048/);
  });

  it('resolves a relative redirect against the page it came from', () => {
    expect(parseFetchUrl('../b?x=1', new URL('https://news.example.com/a/c/d')).href).toBe(
      'https://news.example.com/a/b?x=1',
    );
  });
});

describe('resolveAllowedAddresses', () => {
  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('returns the addresses of a public name', async () => {
    const addresses = await resolveAllowedAddresses(new URL('https://news.example.com/'), {
      allowPrivate: false,
      resolve: resolveTo('93.184.216.34', '2606:2800:220:1::1'),
    });
    expect(addresses.map((a) => a.address)).toEqual(['93.184.216.34', '2606:2800:220:1::1']);
  });

  it('refuses a name when any of its addresses is private', async () => {
    const err = await failure(
      resolveAllowedAddresses(new URL('https://rebind.example.com/'), {
        allowPrivate: false,
        resolve: resolveTo('93.184.216.34', '192.168.1.10'),
      }),
    );
    expect(err.code).toBe('FETCH_REFUSED');
    expect(err.context.detail).toBe(
      'https://rebind.example.com/ resolves to 192.168.1.10, a private address',
    );
  });

  it('allows private addresses when told to', async () => {
    const addresses = await resolveAllowedAddresses(new URL('http://intranet.example/'), {
      allowPrivate: true,
      resolve: resolveTo('10.1.2.3'),
    });
    expect(addresses).toEqual([{ address: '10.1.2.3', family: 4 }]);
  });

  it('reports a name that does not resolve', async () => {
    const err = await failure(
      resolveAllowedAddresses(new URL('http://gone.example/'), {
        allowPrivate: false,
        resolve: async () => {
          throw Object.assign(new Error('getaddrinfo ENOTFOUND gone.example'), { code: 'ENOTFOUND' });
        },
      }),
    );
    expect(err.code).toBe('FETCH_FAILED');
    expect(err.context.detail).toBe('http://gone.example/: no such host gone.example');
  });
});

describe('describeNonPublicAddress', () => {
  it.each([
    ['10.0.0.5', 'a private address'],
    ['172.20.1.1', 'a private address'],
    ['192.168.0.1', 'a private address'],
    ['127.0.0.1', 'a loopback address (this machine)'],
    ['::1', 'a loopback address (this machine)'],
    ['169.254.169.254', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['fd12:3456::1', 'a unique-local address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['224.0.0.251', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['0.0.0.0', 'an unspecified address'],
    ['::', 'an unspecified address'],
    ['::ffff:10.0.0.5', 'a private address'],
    ['::ffff:8.8.8.8', 'an IPv4-mapped IPv6 address'],
    ['8.8.8.8', undefined],
    ['2606:4700:4700::1111', undefined],
    ['news.example.com', undefined],
  ])('%s is %s', (address, kind) => {
    expect(describeNonPublicAddress(address)).toBe(kind);
  });
});
