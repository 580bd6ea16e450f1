import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/answer/answer.js';
import { articleOfSentences } from '../../src/cli/eval/datasets.js';
import type { Article } from '../../src/corpus/article.js';
import { SearchEngine } from '../../src/search/engine.js';

function published(id: string, source: string, sentences: string[]): Article {
  const article = articleOfSentences(id, 'Super Bowl', sentences);
  return { ...article, meta: { ...article.meta, source } };
}

describe('near-duplicate merging in answers', () => {
  it('keeps apart two sentences of one publisher that share words but tell different facts', async () => {
    const engine = SearchEngine.fromArticles([
      published('a', 'League News', [
        'The league suspended the tradition of naming the Super Bowl with Roman numerals for the 50th game in 2016.',
        'The use of Roman numerals for the Super Bowl will be reinstated in 2017.',
        'Tickets for the game sold out within a day.',
      ]),
    ]);
    const a = await answerQuestion(engine, 'When will Roman numerals be used again for the Super Bowl?', {
      threshold: 0,
    });
    const texts = a.results.map((r) => r.text);
    expect(texts.some((t) => t.includes('reinstated'))).toBe(true);
    expect(texts.some((t) => t.includes('suspended'))).toBe(true);
  });

  it('merges two publishers’ wordings of the same amount of time, not just the same names', async () => {
    const engine = SearchEngine.fromArticles([
      published('a', 'Wire One', [
        'Russia accused two British diplomats of spying and ordered them to leave the country within two weeks.',
      ]),
      published('b', 'Wire Two', ['The pair were ordered to leave Russia within 2 weeks, Moscow said.']),
      published('c', 'Wire Two', ['Russia has expelled seven British diplomats over the past year.']),
    ]);
    const a = await answerQuestion(engine, 'How long do the diplomats have to leave Russia?', {
      threshold: 0,
    });
    expect(a.results[0]?.sources.map((s) => s.source).sort()).toEqual(['Wire One', 'Wire Two']);
    expect(a.results.some((r) => r.text.includes('seven British diplomats'))).toBe(true);
  });
});
