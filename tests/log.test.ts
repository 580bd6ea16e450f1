import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The logger writes to fd 2, so observe it from a child process as a user would see it.
function runLogged(code: string): { stdout: string; stderr: string } {
  const script = `import { createLogger } from './src/log.ts'; const log = createLogger({ level: 'info', format: 'json' }); ${code}`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return { stdout: r.stdout, stderr: r.stderr };
}

describe('createLogger', () => {
  it('writes JSON lines to stderr and nothing to stdout', () => {
    const { stdout, stderr } = runLogged(`log.child({ module: 'corpus' }).info({ articles: 2 }, 'loaded');`);
    expect(stdout).toBe('');
    const line = JSON.parse(stderr.trim());
    expect(line).toMatchObject({ module: 'corpus', articles: 2, msg: 'loaded' });
  });

  it('never writes a token or a database password', () => {
    const { stderr } = runLogged(
      `log.info({ token: 'MTIz.secret.value', config: { DISCORD_TOKEN: 'MTIz.secret.value', DATABASE_URL: 'postgres://u:pw@h/db' } }, 'start');`,
    );
    expect(stderr).toContain('[redacted]');
    expect(stderr).not.toContain('secret');
    expect(stderr).not.toContain('pw@');
  });

  it('scrubs interaction tokens and bot tokens out of logged errors', () => {
    const url =
      'https://discord.com/api/v10/webhooks/123456789012345678/aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2Rl/messages/@original';
    const { stderr } = runLogged(
      `const e = new Error('Unknown Webhook'); e.url = ${JSON.stringify(url)}; e.stack += ' at ' + e.url; log.error({ err: e }, 'reply failed');`,
    );
    expect(stderr).toContain('webhooks/123456789012345678/[redacted]');
    expect(stderr).not.toContain('aW50ZXJhY3Rpb246');
  });
});
