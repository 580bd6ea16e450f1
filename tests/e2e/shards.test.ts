import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployCommands } from '../../src/bot/deploy.js';
import { loadConfig } from '../../src/config.js';
import { tempCorpus } from '../support/corpus.js';
import {
  type DiscordServer,
  guildIdOnShard,
  Permission,
  shardOf,
  startDiscordServer,
} from '../support/discord-server.js';
import { postgresSkipReason, startCluster } from '../support/postgres.js';
import { processScope } from '../support/processes.js';

const MODERATOR = String(Permission.ManageGuild | Permission.ViewChannel | Permission.SendMessages);

const { children, cleanups } = processScope();

/** `npm run start:sharded` as a user runs it (src/shard.ts under tsx), in a clean environment. */
function startSharded(env: Record<string, string>): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/shard.ts'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let text = '';
  child.stderr?.on('data', (d: Buffer) => {
    text += d.toString('utf8');
  });
  return { child, stderr: () => text };
}

/** A fake Discord recommending two shards, with one guild on each. */
async function twoShardDiscord(): Promise<DiscordServer> {
  const server = await startDiscordServer({
    shards: 2,
    guilds: [
      { id: guildIdOnShard(0, 2), name: 'Alpha', channels: [{ name: 'news' }] },
      { id: guildIdOnShard(1, 2), name: 'Beta', channels: [{ name: 'news' }] },
    ],
  });
  cleanups.push(() => server.stop());
  return server;
}

async function botEnv(server: DiscordServer, extra: Record<string, string> = {}) {
  const corpus = await tempCorpus();
  cleanups.push(corpus.cleanup);
  const env = {
    CORPUS_DIR: corpus.corpusDir,
    SNAPSHOT_DIR: corpus.snapshotDir,
    STATE_DIR: `${corpus.root}/state`,
    DISCORD_TOKEN: server.token,
    DISCORD_APPLICATION_ID: server.applicationId,
    DISCORD_API_URL: server.apiUrl,
    TOTAL_SHARDS: 'auto',
    SHARD_SPAWN_DELAY_MS: '0',
    ...extra,
  };
  // Global commands, so both guilds have them.
  await deployCommands(loadConfig(env));
  return { env, corpus };
}

/** Waits until one connected gateway session per shard of two has identified. */
async function waitForShards(server: DiscordServer, stderr: () => string) {
  return server.waitFor(
    () => {
      const live = server.gatewaySessions.filter((s) => s.socket !== null);
      const ids = live.map((s) => s.shard.join('/')).sort();
      return ids.length === 2 && ids[0] === '0/2' && ids[1] === '1/2' ? live : undefined;
    },
    { timeoutMs: 45_000, description: `two shards to connect (stderr: ${stderr()})` },
  );
}

/** Asks in a guild's first channel and returns the interaction id and the reply. */
async function askIn(server: DiscordServer, guildIndex: number, question: string) {
  const channelId = server.guilds[guildIndex]!.channels[0]!.id;
  const { id } = server.sendInteraction({ type: 'command', name: 'ask', channelId, options: { question } });
  const reply = await server.waitForInteractionResponse(id, { timeoutMs: 10_000 });
  return { id, reply };
}

const sentTo = (session: { sent: { t: string | null; d: unknown }[] }, t: string) =>
  session.sent.filter((p) => p.t === t).map((p) => (p.d as { id: string }).id);

describe('npm run start:sharded', () => {
  it('runs one process per recommended shard, each with its own guilds, and answers /ask on both', async () => {
    const server = await twoShardDiscord();
    const { env } = await botEnv(server);
    const { stderr } = startSharded(env);
    const sessions = await waitForShards(server, stderr);
    expect(server.requests.some((r) => r.path === '/gateway/bot' && r.authorized)).toBe(true);

    const [alpha, beta] = server.guilds;
    const shard0 = sessions.find((s) => s.shard[0] === 0)!;
    const shard1 = sessions.find((s) => s.shard[0] === 1)!;
    expect(shardOf(alpha!.id, 2)).toBe(0);
    expect(sentTo(shard0, 'GUILD_CREATE')).toEqual([alpha!.id]);
    expect(sentTo(shard1, 'GUILD_CREATE')).toEqual([beta!.id]);

    const onAlpha = await askIn(server, 0, 'What did the Harbour Bank raise its main interest rate to?');
    const onBeta = await askIn(server, 1, 'How many people were evacuated from Millbrook?');
    expect(onAlpha.reply.embeds?.[0]?.description).toContain('4.5%');
    expect(onBeta.reply.embeds?.[0]?.description).toMatch(/About 400/);
    // Each interaction went to its guild's shard only, and was acknowledged once.
    expect(sentTo(shard0, 'INTERACTION_CREATE')).toEqual([onAlpha.id]);
    expect(sentTo(shard1, 'INTERACTION_CREATE')).toEqual([onBeta.id]);
    expect(server.interaction(onAlpha.id)?.callbacks.map((c) => c.status)).toEqual([204]);
    expect(server.interaction(onBeta.id)?.callbacks.map((c) => c.status)).toEqual([204]);
    expect(stderr()).not.toContain(server.token);
  });

  it.skipIf(postgresSkipReason)(
    'with the PostgreSQL store, answers on one shard from an article reindexed on the other',
    async () => {
      const cluster = await startCluster();
      cleanups.push(() => cluster.stop());
      const server = await twoShardDiscord();
      const { env, corpus } = await botEnv(server, {
        STORE: 'postgres',
        DATABASE_URL: await cluster.createDatabase(),
      });
      const { stderr } = startSharded(env);
      await waitForShards(server, stderr);

      await writeFile(
        path.join(corpus.corpusDir, 'ferry-strike.md'),
        [
          '---',
          'title: Ferry strike on Inchmore ends after two weeks',
          'source: Island Post',
          'published: 2025-03-03',
          '---',
          'Ferry crews on the Inchmore route returned to work on Monday, ending a two-week strike over pay.',
          '',
          'The operator, Western Isles Shipping, agreed a 6% pay rise backdated to January, the union said.',
          '',
        ].join('\n'),
      );
      const alphaChannel = server.guilds[0]!.channels[0]!.id;
      const reindex = server.sendInteraction({
        type: 'command',
        name: 'reindex',
        channelId: alphaChannel,
        permissions: MODERATOR,
      });
      const done = await server.waitForInteractionResponse(reindex.id, { timeoutMs: 20_000 });
      expect(done.embeds?.[0]?.description).toMatch(/^Added 1 \(ferry-strike\)/);

      const { reply } = await askIn(server, 1, 'What pay rise did the ferry crews get?');
      expect(reply.embeds?.[0]?.description).toContain('6%');
      expect(reply.embeds?.[0]?.description).toContain('Island Post');
    },
    90_000,
  );
});
