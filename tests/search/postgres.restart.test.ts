import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/answer/answer.js';
import { PostgresRateLimiter, PostgresState } from '../../src/bot/pg-state.js';
import { silentLogger } from '../../src/log.js';
import { PostgresIndex } from '../../src/search/postgres.js';
import { FIXTURE_ARTICLES } from '../support/corpus.js';
import { type PgCluster, postgresSkipReason, startCluster } from '../support/postgres.js';

if (postgresSkipReason) console.warn(`PostgreSQL restart tests skipped: ${postgresSkipReason}`);

let cluster: PgCluster;
beforeAll(async () => {
  if (!postgresSkipReason) cluster = await startCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

const QUESTION = 'How many people were evacuated from Millbrook?';

describe.skipIf(postgresSkipReason !== undefined)(
  'the PostgreSQL store when the server restarts under load',
  () => {
    it('fails the questions asked while it is down with an error, then answers again, and nothing crashes', async () => {
      const url = await cluster.createDatabase();
      const { index } = await PostgresIndex.open({ url, corpusDir: FIXTURE_ARTICLES, maxBytes: 1e6 });
      const log = silentLogger();
      const state = await PostgresState.open(index.engine.pool, log);
      const limiter = new PostgresRateLimiter(index.engine.pool, 10_000, 60_000, log);
      try {
        expect((await answerQuestion(index.engine, QUESTION)).results[0]?.text).toContain('400 people');

        // Questions keep arriving (one every 10 ms) while the server restarts.
        const outcomes: ('answered' | 'failed')[] = [];
        let running = true;
        const load = (async () => {
          while (running) {
            const asked = answerQuestion(index.engine, QUESTION).then(
              (a) => (a.results[0]?.text.includes('400 people') ? 'answered' : 'failed'),
              () => 'failed' as const,
            );
            void asked.then((o) => outcomes.push(o));
            await limiter.take(`user-${outcomes.length % 7}`);
            await state.recordUnanswered('When does the ferry run?').catch(() => undefined);
            await new Promise((r) => setTimeout(r, 10));
          }
        })();
        await new Promise((r) => setTimeout(r, 200));
        await cluster.restart();
        await new Promise((r) => setTimeout(r, 500));
        running = false;
        await load;
        await new Promise((r) => setTimeout(r, 200));

        console.info(
          `restart under load: ${outcomes.filter((o) => o === 'answered').length} answered, ${outcomes.filter((o) => o === 'failed').length} failed while the server restarted`,
        );
        expect(outcomes.length).toBeGreaterThan(10);
        expect(outcomes.filter((o) => o === 'answered').length).toBeGreaterThan(0);
        // After the restart the pool reconnects: every question is answered again.
        for (let i = 0; i < 5; i++) {
          expect((await answerQuestion(index.engine, QUESTION)).results[0]?.text).toContain('400 people');
        }
        expect(await limiter.take('after-restart')).toBe(0);
        const refreshed = await index.refresh();
        expect(refreshed.articles).toBe(4);
      } finally {
        await index.close();
      }
    }, 60_000);
  },
);
