import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findCommand } from '../commands/index.js';
import type { CommandRequest, Services, View } from '../commands/types.js';
import { StateStore } from '../src/bot/state.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { PostgresIndex } from '../src/search/postgres.js';
import { LiveIndex } from '../src/search/refresh.js';
import { openServices } from '../src/services.js';
import { tempCorpus } from './support/corpus.js';
import { type PgCluster, postgresSkipReason, startCluster } from './support/postgres.js';
import { cleanupScope } from './support/processes.js';

let cluster: PgCluster | undefined;
const cleanups = cleanupScope();

beforeAll(async () => {
  if (!postgresSkipReason) cluster = await startCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

async function open(env: Record<string, string>, corpus?: Awaited<ReturnType<typeof tempCorpus>>) {
  const c = corpus ?? (await tempCorpus());
  if (!corpus) cleanups.push(c.cleanup);
  const config = loadConfig({
    CORPUS_DIR: c.corpusDir,
    SNAPSHOT_DIR: c.snapshotDir,
    STATE_DIR: path.join(c.root, 'state'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const opened = await openServices(config, silentLogger());
  cleanups.push(opened.close);
  return { ...opened, corpus: c };
}

async function run(services: Services, name: string, options: CommandRequest['options'] = {}): Promise<View> {
  const command = findCommand(name);
  if (!command) throw new Error(`no command ${name}`);
  return command.run(
    {
      user: { id: 'u1', name: 'ann' },
      guildId: 'g',
      channelId: 'c',
      isModerator: true,
      options,
      log: silentLogger(),
    },
    services,
  );
}

describe('openServices', () => {
  it('opens the embedded index and file state by default', async () => {
    const { services, summary } = await open({});
    expect(services.index).toBeInstanceOf(LiveIndex);
    expect(services.state).toBeInstanceOf(StateStore);
    expect(summary.articles).toBe(4);
  });

  it.skipIf(postgresSkipReason)(
    'runs the commands on PostgreSQL, and a change made by one process reaches another',
    async () => {
      const url = await cluster!.createDatabase();
      const first = await open({ STORE: 'postgres', DATABASE_URL: url });
      const second = await open({ STORE: 'postgres', DATABASE_URL: url }, first.corpus);
      expect(first.services.index).toBeInstanceOf(PostgresIndex);
      expect(first.summary.added).toHaveLength(4);
      expect(second.summary.added).toHaveLength(0);

      const answer = await run(second.services, 'ask', {
        question: 'How many people were evacuated in Millbrook?',
      });
      expect(answer.kind === 'answer' && answer.answer.results[0]?.text).toMatch(/About 400 people/);

      await run(first.services, 'ask', { question: 'Who won the World Cup in 2018?' });
      const list = await run(second.services, 'unanswered');
      expect(list.kind === 'notice' && list.lines).toEqual([
        expect.stringContaining('1× Who won the World Cup in 2018?'),
      ]);

      await writeFile(
        path.join(first.corpus.corpusDir, 'ferry-strike.txt'),
        'Ferry workers at Portmere walked out on Monday in a dispute over night-shift pay, cancelling 14 crossings.\n',
      );
      const reindexed = await run(first.services, 'reindex');
      expect(reindexed.kind === 'notice' && reindexed.tone).toBe('success');
      await vi.waitFor(() => expect(second.services.index.engine.getArticle('ferry-strike')).toBeDefined(), {
        timeout: 5000,
      });
      const removed = await run(second.services, 'remove-article', { article: 'stadium-transfer' });
      expect(removed.kind === 'notice' && removed.tone).toBe('success');
      await vi.waitFor(
        () => expect(first.services.index.engine.getArticle('stadium-transfer')).toBeUndefined(),
        {
          timeout: 5000,
        },
      );
    },
  );
});
