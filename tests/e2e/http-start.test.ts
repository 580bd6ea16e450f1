import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployCommands } from '../../src/bot/deploy.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_ARTICLES, tempCorpus } from '../support/corpus.js';
import {
  type DiscordServer,
  type InteractionsEndpoint,
  Permission,
  startDiscordServer,
} from '../support/discord-server.js';
import { postgresSkipReason, startCluster } from '../support/postgres.js';
import { processScope } from '../support/processes.js';

const MODERATOR = String(Permission.ManageGuild | Permission.ViewChannel | Permission.SendMessages);

const { children, cleanups } = processScope();

/** `npm start` (src/main.ts under tsx) in a clean environment; resolves with its endpoint once listening. */
async function startWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  const listening = new Promise<number>((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      const line = stderr.split('\n').find((l) => l.includes('HTTP interactions endpoint listening'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr}`)));
  });
  const port = await listening;
  return { child, port, stderr: () => stderr };
}

function publicKeyHex(key: ReturnType<typeof generateKeyPairSync>['publicKey']): string {
  return Buffer.from(String(key.export({ format: 'jwk' }).x), 'base64url').toString('hex');
}

async function setUp(extra: Record<string, string> = {}) {
  const server: DiscordServer = await startDiscordServer();
  cleanups.push(() => server.stop());
  const corpus = await tempCorpus(DEFAULT_ARTICLES);
  cleanups.push(corpus.cleanup);
  const pair = generateKeyPairSync('ed25519');
  await deployCommands(
    loadConfig({
      DISCORD_TOKEN: server.token,
      DISCORD_APPLICATION_ID: server.applicationId,
      DISCORD_GUILD_ID: server.guild.id,
      DISCORD_API_URL: server.apiUrl,
    }),
  );
  const env = {
    CORPUS_DIR: corpus.corpusDir,
    SNAPSHOT_DIR: corpus.snapshotDir,
    STATE_DIR: `${corpus.root}/state`,
    INTERACTIONS: 'http',
    DISCORD_PUBLIC_KEY: publicKeyHex(pair.publicKey),
    DISCORD_API_URL: server.apiUrl,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    ...extra,
  };
  const endpoint = (port: number): InteractionsEndpoint => ({
    url: `http://127.0.0.1:${port}/interactions`,
    privateKey: pair.privateKey,
  });
  return { server, corpus, env, endpoint };
}

describe('npm start with INTERACTIONS=http', () => {
  it('serves the interactions endpoint without a bot token and answers /ask through the webhook', async () => {
    const { server, env, endpoint } = await setUp();
    const worker = await startWorker(env);
    expect(await server.pingEndpoint(endpoint(worker.port))).toEqual({ status: 200, body: { type: 1 } });
    const sent = await server.deliverInteraction(
      {
        type: 'command',
        name: 'ask',
        options: { question: 'How long do the diplomats have to leave Russia?' },
      },
      endpoint(worker.port),
    );
    expect(sent.response.body).toEqual({ type: 5, data: {} });
    const reply = await server.waitForInteractionResponse(sent.id, { timeoutMs: 10_000 });
    expect(reply.embeds?.[0]?.description).toMatch(/leave\*{0,2} the country within two/);
    expect(server.gatewaySessions).toEqual([]);
    expect(worker.stderr()).not.toContain(sent.token);
    worker.child.kill('SIGTERM');
    const [code] = await once(worker.child, 'exit');
    expect(code).toBe(0);
  });

  it('stops with one line naming DISCORD_PUBLIC_KEY when it is missing', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH ?? '', INTERACTIONS: 'http', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('DISCORD_PUBLIC_KEY');
  });

  it.skipIf(postgresSkipReason)(
    'behind a load balancer with PostgreSQL: reindex on one worker, the answer from another',
    async () => {
      const cluster = await startCluster();
      cleanups.push(() => cluster.stop());
      const { server, corpus, env, endpoint } = await setUp({
        STORE: 'postgres',
        DATABASE_URL: await cluster.createDatabase(),
      });
      const first = await startWorker(env);
      const second = await startWorker(env);
      await writeFile(
        path.join(corpus.corpusDir, 'ferry-strike.md'),
        [
          '---',
          'title: Ferry strike on Inchmore ends after two weeks',
          'source: Island Post',
          '---',
          'Ferry crews on the Inchmore route returned to work on Monday, ending a two-week strike over pay.',
          '',
          'The operator, Western Isles Shipping, agreed a 6% pay rise backdated to January, the union said.',
          '',
        ].join('\n'),
      );
      const reindex = await server.deliverInteraction(
        { type: 'command', name: 'reindex', permissions: MODERATOR },
        endpoint(first.port),
      );
      const done = await server.waitForInteractionResponse(reindex.id, { timeoutMs: 20_000 });
      expect(done.embeds?.[0]?.description).toMatch(/^Added 1 \(ferry-strike\)/);
      const asked = await server.deliverInteraction(
        { type: 'command', name: 'ask', options: { question: 'What pay rise did the ferry crews get?' } },
        endpoint(second.port),
      );
      const reply = await server.waitForInteractionResponse(asked.id, { timeoutMs: 10_000 });
      expect(reply.embeds?.[0]?.description).toContain('6%');
      expect(reply.embeds?.[0]?.description).toContain('Island Post');
    },
    90_000,
  );
});
