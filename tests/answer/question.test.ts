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

describe('parseQuestion corrections', () => {
  const corpus = SearchEngine.fromArticles([
    articleOfSentences('b', 'Season review', [
      'Linebacker Brandon Marshall led the team in total tackles with 109.',
      'The city council voted to fund the parade.',
      'The stadium opened in 2014.',
      'The late field goal was making the score even.',
    ]),
  ]).stats();

  it('reads a misspelt word the corpus lacks as the word it holds one slip away', () => {
    const parsed = parseQuestion('What Denver player had 109 tackels for the season?', corpus);
    expect(parsed.corrections.get(stem('tackles'))).toBe(stem('tackels'));
    expect(
      parseQuestion('How many members are on the city counil?', corpus).corrections.get(stem('council')),
    ).toBe(stem('counil'));
  });

  it('corrects a slip at a word’s end through its stem ("makign" → "making" → "make")', () => {
    expect(
      parseQuestion('Which kick was makign the score even?', corpus).corrections.get(stem('making')),
    ).toBe(stem('makign'));
  });

  it('corrects neither a real word the corpus lacks nor a word it holds', () => {
    // "marker" is a word WordNet knows: the corpus just never says it.
    expect(parseQuestion('What yard marker was painted gold?', corpus).corrections.size).toBe(0);
    expect(parseQuestion('When did the stadium open?', corpus).corrections.size).toBe(0);
  });
});
