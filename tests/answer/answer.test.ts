import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion, searchTermsOf } from '../../src/answer/answer.js';
import { parseQuestion } from '../../src/answer/question.js';
import { articleOfSentences } from '../../src/cli/eval/datasets.js';
import { loadArticles, parseArticle } from '../../src/corpus/load.js';
import { SearchEngine } from '../../src/search/engine.js';
import { stem } from '../../src/text/analyzer.js';
import { DEFAULT_ARTICLES, FIXTURE_ARTICLES } from '../support/corpus.js';

let fixtures: SearchEngine;
let defaults: SearchEngine;

beforeAll(async () => {
  fixtures = SearchEngine.fromArticles((await loadArticles(FIXTURE_ARTICLES, { maxBytes: 1e6 })).articles);
  defaults = SearchEngine.fromArticles((await loadArticles(DEFAULT_ARTICLES, { maxBytes: 1e6 })).articles);
});

describe('answerQuestion', () => {
  it('answers a "how many" question with the sentence holding the number', async () => {
    const a = await answerQuestion(fixtures, 'How many people were evacuated in Millbrook?');
    expect(a.answered).toBe(true);
    expect(a.results[0]?.text).toMatch(/About 400 people were evacuated/);
    expect(a.results[0]?.sources[0]).toMatchObject({
      articleId: 'river-flood',
      source: 'Valley Courier',
      url: 'https://valleycourier.example.com/news/river-alder-flood',
      published: '2024-11-18',
      paragraph: 1,
    });
  });

  it('answers a "who" question with a sentence naming someone new', async () => {
    const a = await answerQuestion(fixtures, 'Who is the governor of the Harbour Bank?');
    expect(a.results[0]?.text).toContain('Elaine Marsh');
  });

  it('shows a fact reported by two publishers once, with both sources', async () => {
    const a = await answerQuestion(fixtures, 'What did the Harbour Bank raise its main interest rate to?');
    expect(a.answered).toBe(true);
    const first = a.results[0]!;
    expect(first.text).toContain('4.5%');
    expect(first.sources.map((s) => s.source).sort()).toEqual(['Coastal Wire', 'Northern Ledger']);
    expect(a.results.filter((r) => r.text.includes('raised its main interest rate'))).toHaveLength(1);
  });

  it('gives the sentence before and after as context, and the matched words', async () => {
    const a = await answerQuestion(fixtures, 'When did the flood defences in Millbrook get built?');
    const r = a.results.find((x) => x.text.includes('1998'));
    expect(r).toBeDefined();
    expect(r?.context.before).toContain('rest centre');
    expect(r?.context.after).toContain('Met Office');
    expect(r?.matched).toEqual(expect.arrayContaining(['flood', 'defences']));
  });

  it('says it found nothing confident for an off-topic question, naming no result', async () => {
    for (const q of ['What is the best recipe for banana bread?', 'How tall is Mount Kilimanjaro?']) {
      const a = await answerQuestion(fixtures, q);
      expect(a.answered).toBe(false);
      expect(a.results).toEqual([]);
    }
  });

  it('answers empty, stop-word-only, punctuation-only and very long questions without throwing', async () => {
    expect(await answerQuestion(fixtures, '')).toMatchObject({ answered: false, reason: 'empty' });
    expect(await answerQuestion(fixtures, '   ')).toMatchObject({ answered: false, reason: 'empty' });
    expect(await answerQuestion(fixtures, 'what is it that they were?')).toMatchObject({ answered: false });
    expect(await answerQuestion(fixtures, '?!... ---')).toMatchObject({ answered: false });
    const long = await answerQuestion(
      fixtures,
      `${'Why did the River Alder flood Millbrook '.repeat(8)}?`.slice(0, 300),
    );
    expect(long.results[0]?.text ?? '').not.toContain('Why did');
    const huge = await answerQuestion(fixtures, 'flood '.repeat(1000));
    expect(huge.answered).toBeTypeOf('boolean');
    expect(
      (await answerQuestion(fixtures, 'Wie hoch ist der Leitzins der Harbour Bank?')).question,
    ).toBeTypeOf('string');
  });

  it('keeps to the articles asked for', async () => {
    const a = await answerQuestion(fixtures, 'interest rate inflation', {
      articleIds: new Set(['coastal-wire-rates']),
    });
    expect(a.results.every((r) => r.sources.every((s) => s.articleId === 'coastal-wire-rates'))).toBe(true);
  });
});

describe('answerQuestion on articles that open with their headline', () => {
  const article = (id: string, raw: string) =>
    parseArticle(raw, { id, path: `${id}.txt`, hash: id, html: false });
  const wire = SearchEngine.fromArticles([
    article(
      'oil-above-50',
      'Crude oil prices back above $50\n\nCold weather across parts of the United States and Europe has pushed US crude oil prices above $50 a barrel for the first time in almost three months.\n\nTraders said stocks of heating oil were lower than expected.\n',
    ),
    article(
      'oil-falls',
      "Oil prices fall back from highs\n\nOil prices retreated from four-month highs in early trading on Tuesday after producers' cartel Opec said it was now unlikely to cut production.\n",
    ),
    article(
      'road-closed',
      'Floods closed the main road into Millbrook on Tuesday, police said.\n\nResidents were told to avoid the area until the water went down.\n',
    ),
  ]);

  it('answers with the sentence that tells the story rather than the headline above it', async () => {
    const a = await answerQuestion(wire, 'What was the price of crude oil?');
    expect(a.results[0]?.text).toContain('above $50 a barrel');
  });

  it('still answers with an opening sentence that is a sentence, though it titles its article', async () => {
    const a = await answerQuestion(wire, 'When did floods close the main road into Millbrook?');
    expect(a.results[0]?.text).toBe('Floods closed the main road into Millbrook on Tuesday, police said.');
  });
});

describe('answerQuestion on the default corpus', () => {
  it('finds the "two weeks" sentence with both sources', async () => {
    const a = await answerQuestion(defaults, 'How long do the diplomats have to leave Russia?');
    expect(a.answered).toBe(true);
    expect(a.results[0]?.text).toContain('two weeks');
    expect(a.results[0]?.sources.map((s) => s.source).sort()).toEqual(['Al Jazeera', 'unknown']);
  });

  it('never gives the repeated block of the scraped page twice', async () => {
    const a = await answerQuestion(defaults, 'What did the UK Foreign Office spokesperson say?', { topK: 5 });
    const texts = a.results.map((r) => r.text);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('answers when the question’s rarest word is in the articles only in another form ("invade" / "invasion")', async () => {
    const a = await answerQuestion(defaults, 'When did Russia invade Ukraine?');
    expect(a.answered).toBe(true);
    expect(a.results[0]?.text).toContain('invasion of Ukraine in February 2022');
  });

  it('finds nothing confident for an off-topic question', async () => {
    const a = await answerQuestion(defaults, 'Who won the World Cup in 2018?');
    expect(a.answered).toBe(false);
  });
});

describe('searchTermsOf', () => {
  const engine = SearchEngine.fromArticles([
    articleOfSentences('c', 'Council', [
      'The city council is led by Maria Lopez.',
      'The parade starts at noon.',
    ]),
  ]);

  it('searches a misspelt word by the spelling the corpus holds as well', () => {
    const parsed = parseQuestion('Who leads the city counil?', engine.stats());
    const terms = searchTermsOf(parsed, engine.stats()).map((t) => t.term);
    expect(terms).toEqual(expect.arrayContaining([stem('counil'), stem('council'), stem('city')]));
  });

  it('searches two words of the question the articles write as one by that word as well', () => {
    const media = SearchEngine.fromArticles([
      articleOfSentences('m', 'Media', [
        'Quarterly profits at US media group TimeWarner jumped 76% to $1.13bn.',
        'The group now owns 8% of the search engine Google.',
      ]),
    ]);
    const parsed = parseQuestion("How much did Time Warner's profits rise?", media.stats());
    const terms = searchTermsOf(parsed, media.stats()).map((t) => t.term);
    expect(terms).toEqual(expect.arrayContaining([stem('timewarner'), stem('warner'), stem('time')]));
    // Not for two words the articles keep apart.
    expect(terms).not.toContain(stem('profitsrise'));
  });

  it('searches the question’s own terms when nothing is misspelt', () => {
    const parsed = parseQuestion('Who leads the city council?', engine.stats());
    expect(searchTermsOf(parsed, engine.stats())).toEqual(parsed.terms);
  });
});
