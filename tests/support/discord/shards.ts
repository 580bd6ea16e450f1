import { nextSnowflake } from './snowflake.js';

/** A session's shard: `[shard_id, num_shards]`, as sent in IDENTIFY; `[0, 1]` when unsharded. */
export type ShardPair = readonly [number, number];

/** Discord's rule for which shard gets a guild's events: `(guild_id >> 22) % num_shards`. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** The `shard` field of an IDENTIFY, or null when it is present but not a valid `[id, count]` pair. */
export function parseShard(value: unknown): ShardPair | null {
  if (value === undefined || value === null) return [0, 1];
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [id, count] = value as unknown[];
  if (!Number.isInteger(id) || !Number.isInteger(count)) return null;
  if ((count as number) < 1 || (id as number) < 0 || (id as number) >= (count as number)) return null;
  return [id as number, count as number];
}

/**
 * Whether a session on `shard` receives an event of `guildId`: its guild's shard does; events outside any
 * guild (DMs) go to shard 0, as on Discord.
 */
export function shardReceives(shard: ShardPair, guildId: string | undefined): boolean {
  const [id, count] = shard;
  return guildId === undefined ? id === 0 : shardOf(guildId, count) === id;
}

/** A fresh guild id that falls on `shard` of `count`, for tests that spread guilds over shards. */
export function guildIdOnShard(shard: number, count: number): string {
  const base = BigInt(nextSnowflake());
  for (let ms = 0n; ; ms++) {
    const id = base + (ms << 22n);
    if (shardOf(id.toString(), count) === shard) return id.toString();
  }
}
