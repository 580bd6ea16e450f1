/**
 * The soak: 20,000 /ask questions through the local Discord-protocol server (in a child process) to the
 * real bot wiring in this process, measuring this process's heap and RSS after a forced GC every 1,000
 * questions, and reporting the slope (least squares over the samples after the first quarter, the
 * warm-up). Run with `npm run soak` (needs --expose-gc); `SOAK_QUESTIONS` changes the count.
 * Prints one JSON line with the figures at the end; exits 1 when a question went unanswered, an
 * acknowledgement was late, or the heap grew by more than 1 MB per 1,000 questions.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Events } from 'discord.js';
import { createClient } from '../../src/bot/client.js';
import { deployCommands } from '../../src/bot/deploy.js';
import { quantile } from '../support/bot.js';
import { testServices } from '../support/services.js';

const TOTAL = Number(process.env.SOAK_QUESTIONS ?? 20_000);
const BATCH = 250;
const SAMPLE_EVERY = 1_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run soak)');

const here = path.dirname(fileURLToPath(import.meta.url));
const child = fork(path.join(here, 'fake-discord.ts'), { execArgv: ['--import', 'tsx'] });
type Reply = { type: string; [k: string]: unknown };
const next = (): Promise<Reply> => once(child, 'message').then(([m]) => m as Reply);

const ready = (await next()) as Reply & {
  token: string;
  apiUrl: string;
  applicationId: string;
  guildId: string;
};
const made = await testServices({
  DISCORD_TOKEN: ready.token,
  DISCORD_APPLICATION_ID: ready.applicationId,
  DISCORD_GUILD_ID: ready.guildId,
  DISCORD_API_URL: ready.apiUrl,
  RATE_LIMIT_QUESTIONS: '10000',
});
await deployCommands(made.services.config);
const { client } = createClient(made.services);
const connected = once(client, Events.ClientReady);
await client.login(ready.token);
await connected;

const samples: { questions: number; heapMB: number; rssMB: number }[] = [];
const sample = (questions: number) => {
  gc();
  const m = process.memoryUsage();
  samples.push({ questions, heapMB: m.heapUsed / 2 ** 20, rssMB: m.rss / 2 ** 20 });
};
sample(0);
const ack: number[] = [];
const answer: number[] = [];
let failed = 0;
let lateAcks = 0;
let violations = 0;
const started = performance.now();
for (let done = 0; done < TOTAL; done += BATCH) {
  child.send({ type: 'batch', size: Math.min(BATCH, TOTAL - done) });
  const r = (await next()) as Reply & {
    ack: number[];
    answer: number[];
    failed: number;
    lateAcks: number;
    violations: number;
  };
  ack.push(...r.ack);
  answer.push(...r.answer);
  failed += r.failed;
  lateAcks += r.lateAcks;
  violations = r.violations;
  const questions = Math.min(done + BATCH, TOTAL);
  if (questions % SAMPLE_EVERY === 0 || questions === TOTAL) {
    sample(questions);
    const last = samples[samples.length - 1]!;
    process.stderr.write(
      `${questions} questions, heap ${last.heapMB.toFixed(1)} MB, rss ${last.rssMB.toFixed(1)} MB, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
  }
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}
const steady = samples.filter((s) => s.questions >= TOTAL / 4);
const perThousand = (key: 'heapMB' | 'rssMB') =>
  Math.round(slope(steady.map((s) => ({ x: s.questions / 1000, y: s[key] }))) * 1000) / 1000;
const round = (n: number) => Math.round(n);
const figures = {
  questions: TOTAL,
  seconds: round((performance.now() - started) / 1000),
  failed,
  lateAcks,
  violations,
  ackP50: round(quantile(ack, 0.5)),
  ackP99: round(quantile(ack, 0.99)),
  answerP50: round(quantile(answer, 0.5)),
  answerP99: round(quantile(answer, 0.99)),
  heapStartMB: Math.round(samples[1]?.heapMB ?? 0),
  heapEndMB: Math.round(samples[samples.length - 1]!.heapMB),
  rssEndMB: Math.round(samples[samples.length - 1]!.rssMB),
  heapSlopeMBPer1000: perThousand('heapMB'),
  rssSlopeMBPer1000: perThousand('rssMB'),
  /** discord.js REST queues (one per interaction token, swept only hourly by default). */
  restHandlers: (client.rest as unknown as { handlers: Map<string, unknown> }).handlers.size,
  restHashes: (client.rest as unknown as { hashes: Map<string, unknown> }).hashes.size,
};
process.stdout.write(`${JSON.stringify(figures)}\n`);

child.send({ type: 'stop' });
await client.destroy();
await made.cleanup();
process.exit(failed > 0 || lateAcks > 0 || figures.heapSlopeMBPer1000 > 1 ? 1 : 0);
