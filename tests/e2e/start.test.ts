import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { deployCommands } from '../../src/bot/deploy.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_ARTICLES, tempCorpus } from '../support/corpus.js';
import { startDiscordServer } from '../support/discord-server.js';
import { processScope } from '../support/processes.js';

const { children, cleanups } = processScope();

/** `npm start` as a user runs it (src/main.ts under tsx), in a clean environment of our choosing. */
function start(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function collect(stream: NodeJS.ReadableStream): () => string {
  let text = '';
  stream.on('data', (d: Buffer) => {
    text += d.toString('utf8');
  });
  return () => text;
}

async function corpus() {
  const c = await tempCorpus(DEFAULT_ARTICLES);
  cleanups.push(c.cleanup);
  return { CORPUS_DIR: c.corpusDir, SNAPSHOT_DIR: c.snapshotDir, STATE_DIR: `${c.root}/state` };
}

describe('npm start', () => {
  it('without a token, opens a local chat that answers from the default corpus', async () => {
    const child = start(await corpus());
    const out = collect(child.stdout!);
    child.stdin!.write('How long do the diplomats have to leave Russia?\n/sources\n/quit\n');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out()).toContain('within two weeks');
    expect(out()).toMatch(/Al Jazeera[\s\S]*unknown|unknown[\s\S]*Al Jazeera/);
    expect(out()).toContain('2 articles');
  });

  it('with a token, connects to DISCORD_API_URL and answers /ask there', async () => {
    const server = await startDiscordServer();
    cleanups.push(() => server.stop());
    const dirs = await corpus();
    const env = {
      ...dirs,
      DISCORD_TOKEN: server.token,
      DISCORD_APPLICATION_ID: server.applicationId,
      DISCORD_GUILD_ID: server.guild.id,
      DISCORD_API_URL: server.apiUrl,
    };
    await deployCommands(loadConfig(env));
    const child = start(env);
    const err = collect(child.stderr!);
    await server.waitFor(() => server.gatewaySessions.some((s) => s.socket !== null), {
      timeoutMs: 20_000,
      description: `the bot to connect (stderr: ${err()})`,
    });
    const { id } = server.sendInteraction({
      type: 'command',
      name: 'ask',
      options: { question: 'How long do the diplomats have to leave Russia?' },
    });
    const reply = await server.waitForInteractionResponse(id, { timeoutMs: 10_000 });
    expect(reply.embeds?.[0]?.description).toMatch(/leave\*{0,2} the country within two/);
    expect(err()).not.toContain(server.token);
  });
});
