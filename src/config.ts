import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.js';

/** Empty strings count as unset, so `KEY=` in .env falls back to the default. */
const unsetIfEmpty = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const str = () => z.preprocess(unsetIfEmpty, z.string().trim().optional());
const int = (def: number, min: number, max: number) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().int().min(min).max(max).default(def));
const num = (def: number, min: number, max: number) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().min(min).max(max).default(def));
const bool = (def: boolean) =>
  z.preprocess((v) => {
    const s = unsetIfEmpty(v);
    if (typeof s !== 'string') return s;
    const lower = s.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
    if (['0', 'false', 'no', 'off'].includes(lower)) return false;
    return s;
  }, z.boolean().default(def));
const idList = () =>
  z.preprocess(
    (v) => {
      const s = unsetIfEmpty(v);
      return typeof s === 'string'
        ? s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : [];
    },
    z.array(z.string().regex(/^\d{15,21}$/, 'a comma-separated list of Discord ids (snowflakes)')),
  );

const schema = z.object({
  NODE_ENV: z.preprocess(unsetIfEmpty, z.enum(['development', 'production', 'test']).default('development')),
  LOG_LEVEL: z.preprocess(
    unsetIfEmpty,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  LOG_FORMAT: z.preprocess(unsetIfEmpty, z.enum(['auto', 'json', 'pretty']).default('auto')),
  CORPUS_DIR: z.preprocess(unsetIfEmpty, z.string().default('index-data/articles')),
  SNAPSHOT_DIR: z.preprocess(unsetIfEmpty, z.string().default('index-data/snapshot')),
  STATE_DIR: z.preprocess(unsetIfEmpty, z.string().default('index-data/state')),
  MAX_ARTICLE_BYTES: int(5_000_000, 1_000, 1_000_000_000),
  TOP_K: int(3, 1, 10),
  CONFIDENCE_THRESHOLD: num(-1, -1, 1),
  DISCORD_TOKEN: str(),
  DISCORD_APPLICATION_ID: str(),
  DISCORD_GUILD_ID: str(),
  DISCORD_API_URL: z.preprocess(unsetIfEmpty, z.url().default('https://discord.com/api')),
  ANSWER_CHANNEL_IDS: idList(),
  MODERATOR_ROLE_IDS: idList(),
  RATE_LIMIT_QUESTIONS: int(6, 1, 10_000),
  RATE_LIMIT_WINDOW_SECONDS: int(60, 1, 86_400),
  FETCH_TIMEOUT_MS: int(10_000, 100, 120_000),
  FETCH_MAX_BYTES: int(5_000_000, 1_000, 100_000_000),
  FETCH_ALLOW_PRIVATE: bool(false),
  INTERACTIONS: z.preprocess(unsetIfEmpty, z.enum(['gateway', 'http']).default('gateway')),
  HTTP_PORT: int(8080, 0, 65_535),
  HTTP_HOST: z.preprocess(unsetIfEmpty, z.string().trim().default('0.0.0.0')),
  DISCORD_PUBLIC_KEY: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^[0-9a-fA-F]{64}$/, 'the application public key: 64 hex characters (32 bytes)')
      .optional(),
  ),
  // Not SHARDS / SHARD_COUNT: discord.js's ShardingManager sets those in each shard process (the shard's
  // id and the total), and every `new Client()` reads them from the environment.
  TOTAL_SHARDS: z.preprocess(
    unsetIfEmpty,
    z
      .union([z.literal('auto'), z.coerce.number().int().min(1).max(1_000)], {
        error: '"auto" or a whole number of shards (1-1000)',
      })
      .default('auto'),
  ),
  SHARD_SPAWN_DELAY_MS: int(5_500, 0, 60_000),
  // `minisearch` is the embedded store's former name (it indexed with MiniSearch), still accepted.
  STORE: z.preprocess(
    (v) => (v === 'minisearch' ? 'embedded' : unsetIfEmpty(v)),
    z.enum(['embedded', 'postgres']).default('embedded'),
  ),
  DATABASE_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(
        /^postgres(ql)?:\/\//,
        'a postgres:// connection URL, e.g. postgres://newsdesk@localhost:5432/newsdesk',
      )
      .optional(),
  ),
});

export type RawConfig = z.infer<typeof schema>;

/** The parsed, typed configuration every part of newsdesk receives. */
export interface Config extends Omit<RawConfig, 'CONFIDENCE_THRESHOLD'> {
  /** Minimum confidence for an answer; `undefined` means the engine's tuned default. */
  CONFIDENCE_THRESHOLD: number | undefined;
}

/**
 * Parses configuration from an environment object (default: `process.env`, after reading `.env` in the
 * working directory when present). A wrong value throws `AppError('CONFIG_INVALID')` whose message is
 * one line naming the key and what it expects.
 *
 * @example loadConfig({ TOP_K: '5' }).TOP_K === 5
 */
export function loadConfig(env?: Record<string, string | undefined>): Config {
  let source = env;
  if (!source) {
    const dotenv = path.resolve('.env');
    if (existsSync(dotenv)) process.loadEnvFile(dotenv);
    source = process.env;
  }
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'config');
    const detail = `${key}: ${issue?.message ?? 'invalid value'}`;
    throw new AppError('CONFIG_INVALID', { key, detail });
  }
  const c = parsed.data;
  if (c.INTERACTIONS === 'http' && !c.DISCORD_PUBLIC_KEY) {
    throw new AppError('CONFIG_INVALID', {
      key: 'DISCORD_PUBLIC_KEY',
      detail: 'DISCORD_PUBLIC_KEY: required when INTERACTIONS=http (the Public Key of the application)',
    });
  }
  if (c.STORE === 'postgres' && !c.DATABASE_URL) {
    throw new AppError('CONFIG_INVALID', {
      key: 'DATABASE_URL',
      detail: 'DATABASE_URL: required when STORE=postgres (postgres://user:password@host:5432/database)',
    });
  }
  return { ...c, CONFIDENCE_THRESHOLD: c.CONFIDENCE_THRESHOLD < 0 ? undefined : c.CONFIDENCE_THRESHOLD };
}
