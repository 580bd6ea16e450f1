import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from '../support/bot.js';

/**
 * The gateway connection dropped mid-session, with the real bot wiring: discord.js resumes the session,
 * the fake replays what was dispatched meanwhile, and every interaction sent right after the drop is
 * answered within Discord's acknowledgement window.
 */

let bot: Awaited<ReturnType<typeof startBot>>;
beforeAll(async () => {
  bot = await startBot({ RATE_LIMIT_QUESTIONS: '1000' });
});
afterAll(() => bot?.stop());

const QUESTION = 'How many people were evacuated from Millbrook?';

async function askBurst(n: number): Promise<string[]> {
  const ids = Array.from(
    { length: n },
    () => bot.server.sendInteraction({ type: 'command', name: 'ask', options: { question: QUESTION } }).id,
  );
  const replies = await Promise.all(
    ids.map((id) => bot.server.waitForInteractionResponse(id, { timeoutMs: 10_000 })),
  );
  for (const r of replies) expect(r.embeds?.[0]?.description).toMatch(/About 400/);
  for (const id of ids)
    expect(bot.server.interaction(id)?.callbacks[0]?.sinceInteractionMs).toBeLessThan(3000);
  return ids;
}

describe('a dropped gateway connection', () => {
  it.each([
    ['closed with 4000 (a Discord-side restart)', () => bot.server.dropGatewayConnections()],
    [
      'cut without a close frame (a dead network)',
      () => bot.server.dropGatewayConnections({ terminate: true }),
    ],
    ['asked to reconnect (opcode 7)', () => bot.server.requestReconnect()],
  ])(
    '%s: the session resumes and the interactions sent right after are all answered',
    async (_name, drop) => {
      await askBurst(1);
      const session = bot.server.gatewaySessions[0]!;
      const resumes = session.resumes;
      drop();
      await askBurst(10);
      await bot.server.waitFor(() => session.resumes === resumes + 1, { timeoutMs: 10_000 });
      await askBurst(3);
      // Resumed, not identified again: one session all along.
      expect(bot.server.gatewaySessions).toHaveLength(1);
      expect(bot.server.limitViolations).toEqual([]);
    },
  );
});
