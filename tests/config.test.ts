import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { isAppError } from '../src/errors.js';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    if (isAppError(err, 'CONFIG_INVALID')) return err.message;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

describe('loadConfig', () => {
  it('gives safe defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.CORPUS_DIR).toBe('index-data/articles');
    expect(c.DISCORD_TOKEN).toBeUndefined();
    expect(c.DISCORD_API_URL).toBe('https://discord.com/api');
    expect(c.TOP_K).toBe(3);
    expect(c.FETCH_ALLOW_PRIVATE).toBe(false);
    expect(c.CONFIDENCE_THRESHOLD).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    const c = loadConfig({ TOP_K: '', DISCORD_TOKEN: '  ', ANSWER_CHANNEL_IDS: '' });
    expect(c.TOP_K).toBe(3);
    expect(c.DISCORD_TOKEN).toBeUndefined();
    expect(c.ANSWER_CHANNEL_IDS).toEqual([]);
  });

  it('parses numbers, booleans and id lists', () => {
    const c = loadConfig({
      TOP_K: '5',
      FETCH_ALLOW_PRIVATE: 'true',
      ANSWER_CHANNEL_IDS: '123456789012345678, 223456789012345678',
      CONFIDENCE_THRESHOLD: '0.4',
    });
    expect(c.TOP_K).toBe(5);
    expect(c.FETCH_ALLOW_PRIVATE).toBe(true);
    expect(c.ANSWER_CHANNEL_IDS).toEqual(['123456789012345678', '223456789012345678']);
    expect(c.CONFIDENCE_THRESHOLD).toBe(0.4);
  });

  it('refuses a wrong value with one line naming the key', () => {
    const message = configError({ TOP_K: 'many' });
    expect(message).toMatch(/^A configuration value is wrong: TOP_K: /);
    expect(message).not.toContain('\n');
    expect(configError({ LOG_LEVEL: 'loud' })).toContain('LOG_LEVEL');
    expect(configError({ DISCORD_API_URL: 'not a url' })).toContain('DISCORD_API_URL');
    expect(configError({ MODERATOR_ROLE_IDS: 'admins' })).toContain('MODERATOR_ROLE_IDS');
    expect(configError({ FETCH_ALLOW_PRIVATE: 'maybe' })).toContain('FETCH_ALLOW_PRIVATE');
  });

  it('runs the gateway by default, and needs the public key in HTTP interactions mode', () => {
    const c = loadConfig({});
    expect(c.INTERACTIONS).toBe('gateway');
    expect(c.HTTP_PORT).toBe(8080);
    expect(c.HTTP_HOST).toBe('0.0.0.0');
    expect(c.TOTAL_SHARDS).toBe('auto');
    const message = configError({ INTERACTIONS: 'http' });
    expect(message).toMatch(/^A configuration value is wrong: DISCORD_PUBLIC_KEY: /);
    expect(message).not.toContain('\n');
    expect(configError({ INTERACTIONS: 'http', DISCORD_PUBLIC_KEY: 'abc' })).toContain('DISCORD_PUBLIC_KEY');
    const key = 'ab'.repeat(32);
    expect(loadConfig({ INTERACTIONS: 'http', DISCORD_PUBLIC_KEY: key }).DISCORD_PUBLIC_KEY).toBe(key);
    expect(loadConfig({ TOTAL_SHARDS: '4' }).TOTAL_SHARDS).toBe(4);
    expect(configError({ TOTAL_SHARDS: 'lots' })).toContain('TOTAL_SHARDS');
    expect(configError({ INTERACTIONS: 'webhook' })).toContain('INTERACTIONS');
  });

  it('uses the embedded store by default, and needs DATABASE_URL for the PostgreSQL store', () => {
    expect(loadConfig({}).STORE).toBe('embedded');
    expect(loadConfig({ STORE: 'minisearch' }).STORE).toBe('embedded');
    const message = configError({ STORE: 'postgres' });
    expect(message).toMatch(/^A configuration value is wrong: DATABASE_URL: required when STORE=postgres/);
    expect(message).not.toContain('\n');
    expect(configError({ STORE: 'postgres', DATABASE_URL: 'mysql://x' })).toContain('DATABASE_URL');
    expect(configError({ STORE: 'sqlite' })).toContain('STORE');
    const url = 'postgres://newsdesk:secret@localhost:5432/newsdesk';
    expect(loadConfig({ STORE: 'postgres', DATABASE_URL: url }).DATABASE_URL).toBe(url);
    expect(configError({ STORE: 'postgres', DATABASE_URL: 'mysql://x' })).not.toContain('mysql://x');
  });
});
