import { describe, expect, it } from 'vitest';
import { parseQuestion } from '../../src/answer/question.js';
import { articleOfSentences } from '../../src/cli/eval/datasets.js';
import { SearchEngine } from '../../src/search/engine.js';
import { stem } from '../../src/text/analyzer.js';

const stats = SearchEngine.fromArticles([
  articleOfSentences('a', 'Report', ['Jennifer Capriati played tennis in Paris.']),
]).stats();

describe('parseQuestion', () => {
  it('reads the kind a "what sport" or "which countries" question asks for', () => {
    expect(parseQuestion('What sport does Jennifer Capriati play?', stats).kind).toBe(stem('sport'));
    expect(parseQuestion('Which countries signed the treaty?', stats).kind).toBe(stem('country'));
    expect(parseQuestion('What style of music does Nirvana play?', stats).kind).toBe(stem('music'));
  });

  it('reads no kind when the question names none', () => {
    expect(parseQuestion('When did James Dean die?', stats).kind).toBeUndefined();
    expect(
      parseQuestion('What did the popularity of the translation contribute to?', stats).kind,
    ).toBeUndefined();
  });
});
