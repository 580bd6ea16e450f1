import type { APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latencies, quantile, startBot } from '../support/bot.js';

/**
 * 500 /ask interactions from 80 users arriving within ~3 s through the local Discord-protocol server,
 * with the real bot wiring: every one acknowledged within Discord's 3 s, every one answered, the rate
 * limit applied per user. The figures (p50/p99 of acknowledgement and answer) go to SECURITY.md.
 */

const QUESTIONS = [
  'What did the Harbour Bank raise its main interest rate to?',
  'How many people were evacuated from Millbrook?',
  'Which striker did Kestrel United sign?',
  'When will the river flood defences be finished?',
  'What is the best recipe for banana bread?',
  'interest rate inflation bank',
];
const LIMIT = 6;

let bot: Awaited<ReturnType<typeof startBot>>;
beforeAll(async () => {
  bot = await startBot({ RATE_LIMIT_QUESTIONS: String(LIMIT), RATE_LIMIT_WINDOW_SECONDS: '600' });
});
afterAll(() => bot?.stop());

describe('the bot under a burst of 500 interactions', () => {
  it('acknowledges every one within 3 s, answers every one, and limits each user on their own', async () => {
    const { server } = bot;
    // 60 users asking 5 questions (under the limit) and 20 asking 10 (4 over it): 500 interactions.
    const calm = Array.from({ length: 60 }, (_, i) => server.createUser({ username: `calm${i}` }));
    const eager = Array.from({ length: 20 }, (_, i) => server.createUser({ username: `eager${i}` }));
    const plan: APIUser[] = [];
    for (let round = 0; round < 10; round++) {
      if (round < 5) plan.push(...calm);
      plan.push(...eager);
    }
    expect(plan).toHaveLength(500);

    const sent: { id: string; user: APIUser }[] = [];
    const started = performance.now();
    for (const [i, user] of plan.entries()) {
      const { id } = server.sendInteraction({
        type: 'command',
        name: 'ask',
        options: { question: QUESTIONS[i % QUESTIONS.length]! },
        user,
      });
      sent.push({ id, user });
      // 500 over ~3 s: a burst of 25 every 150 ms.
      if (i % 25 === 24) await new Promise((r) => setTimeout(r, 150));
    }
    const sendSeconds = (performance.now() - started) / 1000;
    const replies = await Promise.all(
      sent.map((s) => server.waitForInteractionResponse(s.id, { timeoutMs: 25_000 })),
    );

    const { ack, answer } = latencies(
      server,
      sent.map((s) => s.id),
    );
    expect(ack.every((ms) => ms < 3000)).toBe(true);
    expect(answer).toHaveLength(500);
    for (const s of sent) expect(server.interaction(s.id)?.callbacks.every((c) => c.status < 300)).toBe(true);
    expect(server.limitViolations).toEqual([]);
    expect(server.unexpectedRequests).toEqual([]);

    // The rate limit, per user: the calm ones never see it, the eager ones on exactly 10 - LIMIT of their 10.
    const limited = (i: number) => /Slow down/.test(replies[i]?.embeds?.[0]?.title ?? '');
    const byUser = new Map<string, boolean[]>();
    for (const [i, s] of sent.entries())
      byUser.set(s.user.id, [...(byUser.get(s.user.id) ?? []), limited(i)]);
    // (A user's interactions are handled concurrently, so which of them hit the limit is not fixed.)
    const count = (id: string) => (byUser.get(id) ?? []).filter(Boolean).length;
    for (const u of calm) expect(count(u.id)).toBe(0);
    for (const u of eager) expect(count(u.id)).toBe(10 - LIMIT);

    const figures = {
      interactions: sent.length,
      users: calm.length + eager.length,
      sendSeconds: Math.round(sendSeconds * 10) / 10,
      ackP50: quantile(ack, 0.5),
      ackP99: quantile(ack, 0.99),
      ackMax: Math.max(...ack),
      answerP50: quantile(answer, 0.5),
      answerP99: quantile(answer, 0.99),
      answerMax: Math.max(...answer),
      rateLimited: replies.filter((_, i) => limited(i)).length,
    };
    console.info(`load figures: ${JSON.stringify(figures)}`);
  }, 30_000);
});
