/**
 * The local Discord-protocol server for the soak, in its own process so that what it records (every
 * request, interaction and message) does not count in the bot's memory. Driven over IPC by soak.ts:
 * `{ type: 'batch', size }` sends that many /ask interactions and answers with their latencies.
 */
import { latencies } from '../support/bot.js';
import { startDiscordServer } from '../support/discord-server.js';

const QUESTIONS = [
  'What did the Harbour Bank raise its main interest rate to?',
  'How many people were evacuated from Millbrook?',
  'Which striker did Kestrel United sign?',
  'When will the river flood defences be finished?',
  'What is the best recipe for banana bread?',
  'interest rate inflation bank',
  '@everyone **who** said what about <@123456789012345678>?',
];

const server = await startDiscordServer();
const users = Array.from({ length: 400 }, (_, i) => server.createUser({ username: `soak${i}` }));
let sent = 0;
const send = (message: unknown) => process.send?.(message);

process.on('message', async (message: { type: string; size?: number }) => {
  if (message.type === 'stop') {
    await server.stop();
    process.exit(0);
  }
  if (message.type !== 'batch') return;
  const ids: string[] = [];
  for (let i = 0; i < (message.size ?? 0); i++, sent++) {
    const question = QUESTIONS[sent % QUESTIONS.length]!;
    ids.push(
      server.sendInteraction({
        type: 'command',
        name: 'ask',
        options: { question },
        user: users[sent % users.length]!,
      }).id,
    );
    if (i % 25 === 24) await new Promise((r) => setTimeout(r, 20));
  }
  const settled = await Promise.allSettled(
    ids.map((id) => server.waitForInteractionResponse(id, { timeoutMs: 60_000 })),
  );
  const { ack, answer } = latencies(server, ids);
  send({
    type: 'done',
    failed: settled.filter((s) => s.status === 'rejected').length,
    lateAcks: ack.filter((ms) => !(ms < 3000)).length,
    violations: server.limitViolations.length,
    ack,
    answer,
  });
  // Keep this process small too: the recordings are not needed once measured.
  server.requests.length = 0;
  server.gatewayLog.length = 0;
});

send({
  type: 'ready',
  token: server.token,
  apiUrl: server.apiUrl,
  applicationId: server.applicationId,
  guildId: server.guild.id,
});
