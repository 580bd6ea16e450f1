import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARTICLES } from '../support/corpus.js';

function inspect(args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/inspect.ts', ...args], {
    encoding: 'utf8',
    input: stdin,
    env: { PATH: process.env.PATH ?? '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const AL_JAZEERA = path.join(DEFAULT_ARTICLES, '000_55944bb53692d394.txt');

describe('npm run inspect', () => {
  it('prints the metadata, then the kept paragraphs', () => {
    const { code, stdout } = inspect([AL_JAZEERA]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^id: +000-55944bb53692d394/m);
    expect(stdout).toMatch(/^source: +Al Jazeera/m);
    expect(stdout).toContain('[1] Russia has accused two British diplomats');
    expect(stdout).not.toContain('Play Video');
  });

  it('lists each dropped line with the rule that dropped it', () => {
    const { stdout } = inspect([AL_JAZEERA, '--dropped']);
    expect(stdout).toMatch(/\((player|navigation)[^)]*\) .*Play Video/);
    expect(stdout).toMatch(/\(cookie\) We use cookies/);
    expect(stdout).toMatch(/\(duplicate\) The FSB did not identify/);
  });

  it('prints one sentence per line with its offsets', () => {
    const { stdout } = inspect([AL_JAZEERA, '--sentences']);
    expect(stdout).toMatch(/^\[1\] 0-\d+ +Russia has accused/m);
  });

  it('reads raw text on stdin and prints only the kept paragraphs', () => {
    const { code, stdout } = inspect(
      ['--stdin'],
      'Skip to content\nHome\nWorld\nThe river burst its banks on Sunday, flooding 200 homes, the council said.\nShare on Facebook\n',
    );
    expect(code).toBe(0);
    expect(stdout).toBe('The river burst its banks on Sunday, flooding 200 homes, the council said.\n');
  });

  it('names the file that does not exist', () => {
    const { code, stderr } = inspect(['/no/such/article.txt']);
    expect(code).toBe(1);
    expect(stderr).toContain('/no/such/article.txt');
  });
});
