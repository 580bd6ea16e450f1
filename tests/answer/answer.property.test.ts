import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/answer/answer.js';
import type { Answer } from '../../src/answer/types.js';
import type { Article } from '../../src/corpus/article.js';
import { loadArticles, parseArticle } from '../../src/corpus/load.js';
import { isAppError } from '../../src/errors.js';
import { SearchEngine } from '../../src/search/engine.js';
import { FIXTURE_ARTICLES } from '../support/corpus.js';
import { check, hostileQuestion, hostileText, RUNS } from '../support/hostile.js';

let fixtures: Article[];
let engine: SearchEngine;

beforeAll(async () => {
  fixtures = (await loadArticles(FIXTURE_ARTICLES, { maxBytes: 1e6 })).articles;
  engine = SearchEngine.fromArticles(fixtures);
});

/** The properties every answer keeps, whatever it was asked: quotes exact, highlights inside, bounded. */
function checkAnswer(store: SearchEngine, answer: Answer): void {
  check(answer.confidence >= 0 && answer.confidence <= 1, () => `confidence ${answer.confidence}`);
  check(answer.answered === answer.results.length > 0, () => 'answered without results, or the reverse');
  for (const r of answer.results) {
    const first = r.sources[0];
    check(first !== undefined, () => `a result without a source: ${r.text}`);
    const article = store.getArticle(first.articleId);
    check(article?.text.includes(r.text) === true, () => `not quoted from ${first.articleId}: ${r.text}`);
    check(article.sentences[first.sentence]?.text === r.text, () => `sentence index wrong for ${r.text}`);
    let at = 0;
    for (const [start, end] of r.highlights) {
      check(
        start >= at && end > start && end <= r.text.length,
        () => `highlight ${start}-${end} of ${r.text}`,
      );
      at = end;
    }
    for (const word of r.matched) check(r.text.includes(word), () => `matched word ${word} not in ${r.text}`);
    for (const s of r.sources) {
      const text = store.getArticle(s.articleId)?.text ?? '';
      check(text.length > 0, () => `source ${s.articleId} unknown`);
    }
    for (const c of [r.context.before, r.context.after]) {
      if (c !== null) check(article.text.includes(c), () => `context not quoted: ${c}`);
    }
  }
  for (const a of answer.closest) check(store.getArticle(a.articleId) !== undefined, () => a.articleId);
}

describe('answerQuestion on hostile questions', () => {
  it('never throws, and quotes every result exactly from its article with highlights inside it', async () => {
    await fc.assert(
      fc.asyncProperty(hostileQuestion(), async (question) => {
        checkAnswer(engine, await answerQuestion(engine, question, { topK: 15 }));
      }),
      { numRuns: RUNS },
    );
  });

  it('answers nothing for questions of only stop words or only punctuation', async () => {
    for (const q of ['what is the?', 'who, what, when, where, why?', '?!?!?!', '...', '** __ ~~', '']) {
      const answer = await answerQuestion(engine, q);
      expect(answer.answered, q).toBe(false);
      expect(answer.results).toEqual([]);
    }
  });

  it('answers a real question hidden in 6,000 characters of noise the same as without it', async () => {
    const q = 'How many people were evacuated from Millbrook?';
    const plain = await answerQuestion(engine, q);
    const noisy = await answerQuestion(engine, `${q} ${'@everyone <@1> **'.repeat(330)}`);
    expect(plain.answered).toBe(true);
    expect(noisy.results[0]?.text ?? plain.results[0]?.text).toBe(plain.results[0]?.text);
  });
});

describe('answerQuestion over a hostile article', () => {
  it('quotes a hostile article exactly when asked with its own words', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileText(25), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        async (paras, pick) => {
          let article: Article;
          try {
            article = parseArticle(paras.join('\n'), {
              id: 'hostile',
              path: 'hostile.txt',
              hash: 'h',
              html: false,
            });
          } catch (err) {
            check(isAppError(err, 'ARTICLE_NO_TEXT') || isAppError(err, 'FRONT_MATTER_INVALID'), () =>
              String(err),
            );
            return;
          }
          const store = SearchEngine.fromArticles([...fixtures, article]);
          const sentence = article.sentences[pick % Math.max(1, article.sentences.length)]?.text ?? '';
          for (const question of [sentence, `What about ${sentence.slice(0, 300)}?`]) {
            checkAnswer(store, await answerQuestion(store, question, { topK: 15 }));
          }
        },
      ),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});
