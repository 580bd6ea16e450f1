import { describe, expect, it } from 'vitest';
import { buildPassages, DEFAULT_CHUNK_OPTIONS } from '../../src/search/chunk.js';
import { splitArticleSentences } from '../../src/text/sentences.js';

function article(paragraphs: string[]) {
  const { text, sentences } = splitArticleSentences('a', paragraphs);
  return {
    id: 'a',
    path: 'a.txt',
    meta: { title: 't', source: 's' },
    paragraphs,
    text,
    sentences,
    hash: 'h',
  };
}

describe('buildPassages', () => {
  const a = article([
    'The council approved the budget on Monday. It includes £3m for road repairs.',
    'Opposition members voted against it.',
    'The mayor said the plan was "fair and affordable". Residents will see bills rise by 2%. The vote was 31 to 19.',
  ]);

  it('covers every sentence, in order, with overlapping windows', () => {
    const passages = buildPassages(a);
    const covered = new Set(
      passages.flatMap((p) => Array.from({ length: p.last - p.first + 1 }, (_, i) => p.first + i)),
    );
    expect([...covered].sort((x, y) => x - y)).toEqual(a.sentences.map((s) => s.index));
    for (let i = 1; i < passages.length; i++) {
      expect(passages[i]!.first).toBeLessThanOrEqual(passages[i - 1]!.last);
    }
  });

  it('quotes the article text exactly', () => {
    for (const p of buildPassages(a)) {
      expect(a.text).toContain(p.text);
      expect(p.text.startsWith(a.sentences[p.first]!.text)).toBe(true);
    }
  });

  it('keeps a passage to a few sentences', () => {
    for (const p of buildPassages(a))
      expect(p.last - p.first).toBeLessThan(DEFAULT_CHUNK_OPTIONS.maxSentences);
  });

  it('makes one passage of a one-sentence article and none of an empty one', () => {
    expect(buildPassages(article(['Only one sentence here.']))).toHaveLength(1);
    expect(buildPassages(article([]))).toHaveLength(0);
  });
});
