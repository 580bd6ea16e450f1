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
});
