import { describe, expect, it } from 'vitest';
import { parseQuestion } from '../../src/answer/question.js';
import { rankSentences } from '../../src/answer/rank.js';
import { articleOfSentences } from '../../src/cli/eval/datasets.js';
import { SearchEngine } from '../../src/search/engine.js';

function rank(question: string, sentences: string[], title = 'Report') {
  const article = articleOfSentences('a', title, sentences);
  const engine = SearchEngine.fromArticles([article]);
  return rankSentences(parseQuestion(question, engine.stats()), engine.allPassages('a'), engine).map(
    (s) => s.sentence.text,
  );
}

describe('rankSentences', () => {
  it('prefers, for a "how old" question, a sentence with a figure the question does not already give', () => {
    const ranked = rank('How old was Newton during Super Bowl 50?', [
      'Newton played in Super Bowl 50 in a stadium in California.',
      'At Super Bowl 50 Newton was 26 years old.',
    ]);
    expect(ranked[0]).toContain('26');
  });

  it('prefers, for a "who" question, a sentence naming a person the question does not name', () => {
    const ranked = rank('Who is the governor of the Harbour Bank?', [
      'The Harbour Bank raised its main interest rate on Thursday.',
      'Governor Elaine Marsh said the bank would act again.',
    ]);
    expect(ranked[0]).toContain('Elaine Marsh');
  });
});
