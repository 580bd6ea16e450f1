import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REST, type RESTGetAPIGatewayBotResult, Routes, type Shard, ShardingManager } from 'discord.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { SERVICE_NODE_FLAGS } from '../node-flags.js';

/** The bot's entry point, which each shard process runs: compiled (`npm run build`) or under tsx. */
const COMPILED = import.meta.url.endsWith('.js');
const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', COMPILED ? 'main.js' : 'main.ts');

/** The number of shards Discord recommends for the bot (`GET /gateway/bot` at DISCORD_API_URL). */
export async function recommendedShardCount(config: Pick<Config, 'DISCORD_API_URL' | 'DISCORD_TOKEN'>) {
  const rest = new REST({ api: config.DISCORD_API_URL, version: '10' }).setToken(config.DISCORD_TOKEN ?? '');
  const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return gateway.shards;
}

/**
 * Runs the gateway bot as TOTAL_SHARDS processes (`auto`: as many as Discord recommends) with discord.js's
 * ShardingManager, each one `src/main.ts` under tsx (or `dist/src/main.js` when itself compiled). The manager hands every process its shard id and
 * the total in the SHARDS and SHARD_COUNT environment variables (and the token in DISCORD_TOKEN), which
 * `new Client()` reads by itself, so each IDENTIFYs with `shard: [id, total]` and Discord sends it the
 * events of its share of the guilds. Processes start SHARD_SPAWN_DELAY_MS apart and are restarted when
 * they die. Each opens its own store: the embedded index per process, or the shared PostgreSQL.
 */
export async function startShards(config: Config, log: Logger): Promise<ShardingManager> {
  if (!config.DISCORD_TOKEN) {
    throw new AppError('CONFIG_INVALID', {
      key: 'DISCORD_TOKEN',
      detail: 'DISCORD_TOKEN: needed to run shards',
    });
  }
  if (config.INTERACTIONS === 'http') {
    throw new AppError('CONFIG_INVALID', {
      key: 'INTERACTIONS',
      detail: 'INTERACTIONS: shards are gateway connections; with INTERACTIONS=http run more workers instead',
    });
  }
  const total = config.TOTAL_SHARDS === 'auto' ? await recommendedShardCount(config) : config.TOTAL_SHARDS;
  const manager = new ShardingManager(MAIN, {
    token: config.DISCORD_TOKEN,
    totalShards: total,
    mode: 'process',
    respawn: true,
    execArgv: [...SERVICE_NODE_FLAGS, ...(COMPILED ? [] : ['--import', 'tsx'])],
  });
  manager.on('shardCreate', (shard: Shard) => {
    const shardLog = log.child({ shard: shard.id });
    shardLog.info({ total }, 'shard process started');
    shard.on('ready', () => shardLog.info('shard ready'));
    shard.on('death', () => shardLog.warn('shard process exited'));
  });
  log.info({ total, auto: config.TOTAL_SHARDS === 'auto' }, 'starting shards');
  await manager.spawn({ amount: total, delay: config.SHARD_SPAWN_DELAY_MS, timeout: 120_000 });
  return manager;
}

/** Stops every shard process (no respawn) and waits for them to exit. */
export async function stopShards(manager: ShardingManager): Promise<void> {
  manager.respawn = false;
  await Promise.all(
    [...manager.shards.values()].map(async (shard) => {
      const child = shard.process;
      if (!child || child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }),
  );
}
