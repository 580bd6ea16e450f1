import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ARTICLES, tempCorpus } from '../support/corpus.js';

let corpus: Awaited<ReturnType<typeof tempCorpus>>;
beforeAll(async () => {
  corpus = await tempCorpus(DEFAULT_ARTICLES);
});
afterAll(() => corpus.cleanup());

function ask(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', ...args], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      CORPUS_DIR: corpus.corpusDir,
      SNAPSHOT_DIR: corpus.snapshotDir,
      LOG_FORMAT: 'json',
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run ask', () => {
  it('prints exactly one JSON object with --json, the "two weeks" sentence first with both sources', () => {
    const { code, stdout } = ask(['--json', 'How long do the diplomats have to leave Russia?']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const answer = JSON.parse(stdout);
    expect(Object.keys(answer)).toEqual(['question', 'answered', 'confidence', 'results']);
    expect(answer.answered).toBe(true);
    const first = answer.results[0];
    expect(Object.keys(first)).toEqual(['text', 'context', 'score', 'matched', 'sources']);
    expect(first.text).toContain('two weeks');
    expect(first.sources.map((s: { source: string }) => s.source).sort()).toEqual(['Al Jazeera', 'unknown']);
    expect(Object.keys(first.sources[0])).toEqual([
      'articleId',
      'title',
      'source',
      'url',
      'published',
      'paragraph',
    ]);
  });

  it('answers a batch file with one JSON line per question, off-topic ones not answered', async () => {
    const file = path.join(corpus.root, 'questions.txt');
    await writeFile(file, 'Who did the FSB accuse of spying?\n\nWhat is the capital of Peru?\n');
    const { code, stdout } = ask(['--batch', file, '--top', '2']);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0].results.length).toBeLessThanOrEqual(2);
    expect(lines[1]).toMatchObject({
      question: 'What is the capital of Peru?',
      answered: false,
      results: [],
    });
  });

  it('says so and exits non-zero for a corpus folder that does not exist', () => {
    const { code, stdout, stderr } = ask(['--corpus', path.join(corpus.root, 'nope'), 'anything?']);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/corpus folder does not exist/);
  });
});
