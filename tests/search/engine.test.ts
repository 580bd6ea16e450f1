import { createHash } from 'node:crypto';
import { truncate } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import MiniSearch from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../src/corpus/article.js';
import { loadArticles } from '../../src/corpus/load.js';
import { buildPassages } from '../../src/search/chunk.js';
import { BOT_READING, heldInMemory, LAZY_ARRAYS, leftOnDisk, SearchEngine } from '../../src/search/engine.js';
import { CHUNK_OPTIONS, FIELD_BOOST, PASSAGE_BM25 } from '../../src/search/options.js';
import { type ReadOptions, readSnapshot, SNAPSHOT_FILE, writeSnapshot } from '../../src/search/snapshot.js';
import type { Candidate, QueryTerm } from '../../src/search/store.js';
import { analyze } from '../../src/text/analyzer.js';
import { DEFAULT_ARTICLES, FIXTURE_ARTICLES, tempCorpus } from '../support/corpus.js';
import { cleanupScope } from '../support/processes.js';

const cleanups = cleanupScope();
let articles: Article[];
let engine: SearchEngine;
let reference: MiniSearch;
let vocabulary: string[];

/**
 * The reference the packed index must match: a MiniSearch index of the same passages (title + text,
 * the same BM25+ parameters and boosts), searched with an OR of the weighted terms.
 */
function miniSearchOf(engine: SearchEngine, articles: Article[]): MiniSearch {
  const mini = new MiniSearch({
    fields: ['title', 'text'],
    storeFields: [],
    tokenize: (text) => text.split(' '),
    processTerm: (term) => term,
    searchOptions: { boost: { ...FIELD_BOOST }, bm25: { ...PASSAGE_BM25 } },
  });
  for (const article of articles) {
    const terms = engine.sentenceTerms(article.id);
    const title = analyze(article.meta.title).join(' ');
    mini.addAll(
      buildPassages(article, CHUNK_OPTIONS).map((p) => ({
        id: p.id,
        title,
        text: terms
          .slice(p.first, p.last + 1)
          .flat()
          .join(' '),
      })),
    );
  }
  return mini;
}

function referenceHits(query: QueryTerm[], limit: number): { id: string; score: number }[] {
  const weights = new Map(query.map((t) => [t.term, t.weight]));
  return reference
    .search(query.map((t) => t.term).join(' '), { combineWith: 'OR', boostTerm: (t) => weights.get(t) ?? 1 })
    .slice(0, limit)
    .map((r) => ({ id: r.id as string, score: r.score }));
}

/** Hits compared where ties cannot reorder them: scores rounded, ids of a tied last score left out. */
function comparable(hits: { id: string; score: number }[]): string[] {
  const last = hits.at(-1)?.score;
  return hits
    .filter((h) => last === undefined || h.score > last * (1 + 1e-9))
    .map((h) => `${h.score.toPrecision(9)} ${h.id}`)
    .sort();
}

const hitsOf = (candidates: Candidate[]) => candidates.map((c) => ({ id: c.passageId, score: c.score }));

/**
 * A corpus large enough for the search to skip work (hundreds of passages sharing words): articles of
 * 4 to 14 sentences drawn with a fixed seed from the fixture and default articles, two per paragraph.
 */
function recombined(pool: Article[], count: number): Article[] {
  let seed = 20261202;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const sentences = pool.flatMap((a) => a.sentences.map((s) => s.text));
  return Array.from({ length: count }, (_, i) => {
    const picked = Array.from({ length: 4 + next(11) }, () => sentences[next(sentences.length)] as string);
    const paragraphs: string[] = [];
    for (let k = 0; k < picked.length; k += 2) paragraphs.push(picked.slice(k, k + 2).join(' '));
    const text = paragraphs.join('\n\n');
    let at = 0;
    const spans = picked.map((sentence, k) => {
      const start = text.indexOf(sentence, at);
      at = start + sentence.length;
      return {
        articleId: `mix-${i}`,
        index: k,
        paragraph: Math.floor(k / 2) + 1,
        start,
        end: at,
        text: sentence,
      };
    });
    const title = pool[next(pool.length)]?.meta.title ?? 'News';
    return {
      id: `mix-${i}`,
      path: `mix-${i}.txt`,
      meta: { title, source: 'Test Wire' },
      paragraphs,
      text,
      sentences: spans,
      hash: createHash('sha256').update(text).digest('hex'),
    };
  });
}

beforeAll(async () => {
  const pool = [
    ...(await loadArticles(FIXTURE_ARTICLES, { maxBytes: 1e6 })).articles,
    ...(await loadArticles(DEFAULT_ARTICLES, { maxBytes: 1e6 })).articles,
  ];
  articles = [...pool, ...recombined(pool, 400)];
  engine = SearchEngine.fromArticles(articles);
  reference = miniSearchOf(engine, articles);
  // Terms the engine keeps in a passage query (it leaves out those in more than 5% of sentences, or 50).
  const common = Math.max(50, engine.stats().sentenceCount * 0.05);
  vocabulary = [...new Set(articles.flatMap((a) => engine.sentenceTerms(a.id).flat()))]
    .filter((term) => engine.stats().df(term) <= common)
    .sort();
});

describe('SearchEngine.searchPassagesSync', () => {
  it('finds the passages a MiniSearch index of the same text finds, with the same scores', () => {
    for (const question of [
      'How long do the diplomats have to leave Russia?',
      'What did the Harbour Bank raise its interest rate to?',
      'Who did Kestrel United sign?',
    ]) {
      const kept = new Set(vocabulary);
      const query = analyze(question)
        .filter((term) => kept.has(term))
        .map((term) => ({ term, weight: 1 }));
      const hits = hitsOf(engine.searchPassagesSync(query, { limit: 20 }));
      expect(hits.length).toBeGreaterThan(0);
      expect(comparable(hits)).toEqual(comparable(referenceHits(query, 20)));
    }
  });

  it('keeps every result exact while skipping work, for any mix of common and rare weighted terms', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(vocabulary.length - 1), { minLength: 1, maxLength: 8 }),
        fc.array(fc.double({ min: 0.1, max: 3, noNaN: true }), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 20 }),
        (picks, weights, limit) => {
          const query = picks.map((i, k) => ({
            term: vocabulary[i] as string,
            weight: weights[k] as number,
          }));
          const hits = hitsOf(engine.searchPassagesSync(query, { limit }));
          expect(comparable(hits)).toEqual(comparable(referenceHits(query, limit)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('searches only the articles it is given', () => {
    const [first] = articles;
    const query = analyze(first?.meta.title ?? '').map((term) => ({ term, weight: 1 }));
    const hits = engine.searchPassagesSync(query, { limit: 20, articleIds: new Set([first?.id ?? '']) });
    expect(hits.length).toBeGreaterThan(0);
    expect(new Set(hits.map((h) => h.articleId))).toEqual(new Set([first?.id]));
  });
});

describe('SearchEngine.toState / fromState', () => {
  it('reads text and terms from the snapshot file only when asked, and answers as the built engine', async () => {
    const c = await tempCorpus();
    cleanups.push(c.cleanup);
    await writeSnapshot(c.snapshotDir, engine.toState());
    const state = await readSnapshot(c.snapshotDir, { lazy: LAZY_ARRAYS });
    expect(state?.lazy?.has('bodies')).toBe(true);
    expect(state?.arrays.bodies).toBeUndefined();
    const loaded = SearchEngine.fromState(state as NonNullable<typeof state>);
    for (const article of articles) {
      expect(loaded.getArticle(article.id)).toEqual(article);
      expect(loaded.sentenceTerms(article.id)).toEqual(engine.sentenceTerms(article.id));
    }
    const query = analyze('interest rate bank inflation').map((term) => ({ term, weight: 1 }));
    expect(loaded.searchPassagesSync(query, { limit: 10 })).toEqual(
      engine.searchPassagesSync(query, { limit: 10 }),
    );
    expect(loaded.stats().avgSentenceTerms).toBe(engine.stats().avgSentenceTerms);
    // The ranker reads titles from the index: the same terms as analyzing them again.
    for (const article of articles) {
      const title = new Set(analyze(article.meta.title));
      expect(engine.titleTerms(article.id)).toEqual(title);
      expect(loaded.titleTerms(article.id)).toEqual(title);
    }
    expect(loaded.titleTerms('no such article')).toBeUndefined();
  });

  it("keeps a small snapshot's postings in memory and a large one's on disk, answering the same either way", async () => {
    const c = await tempCorpus();
    cleanups.push(c.cleanup);
    await writeSnapshot(c.snapshotDir, engine.toState());
    const small = await readSnapshot(c.snapshotDir, { lazy: leftOnDisk });
    expect(small?.arrays['index.textPassages']).toBeDefined();
    expect(small?.lazy?.has('bodies')).toBe(true);
    const large = await readSnapshot(c.snapshotDir, { lazy: (name) => leftOnDisk(name, 2 ** 40) });
    expect(large?.arrays['index.textPassages']).toBeUndefined();
    expect(large?.lazy?.has('index.textPassages')).toBe(true);
    const query = analyze('interest rate bank inflation').map((term) => ({ term, weight: 1 }));
    for (const state of [small, large]) {
      const loaded = SearchEngine.fromState(state as NonNullable<typeof state>);
      expect(loaded.searchPassagesSync(query, { limit: 10 })).toEqual(
        engine.searchPassagesSync(query, { limit: 10 }),
      );
    }
  });

  it('gives the terms of the sentences asked for, then of the rest, as the analyzer makes them', async () => {
    const c = await tempCorpus();
    cleanups.push(c.cleanup);
    await writeSnapshot(c.snapshotDir, engine.toState());
    const loaded = SearchEngine.fromState(
      (await readSnapshot(c.snapshotDir, BOT_READING)) as NonNullable<
        Awaited<ReturnType<typeof readSnapshot>>
      >,
    );
    for (const article of articles) {
      const analyzed = article.sentences.map((s) => analyze(s.text));
      const middle = Math.floor(analyzed.length / 2);
      const some = loaded.sentenceTerms(article.id, middle - 1, middle + 2);
      for (let i = Math.max(0, middle - 1); i < Math.min(analyzed.length, middle + 2); i++) {
        expect(some[i]).toEqual(analyzed[i]);
      }
      expect(loaded.sentenceTerms(article.id)).toEqual(analyzed);
    }
  });

  it('holds a small snapshot in memory: once loaded, it answers though its file is cut short', async () => {
    const c = await tempCorpus();
    cleanups.push(c.cleanup);
    await writeSnapshot(c.snapshotDir, engine.toState());
    const file = path.join(c.snapshotDir, SNAPSHOT_FILE);
    const load = async (reading: ReadOptions) => {
      const state = await readSnapshot(c.snapshotDir, reading);
      await state?.lazy?.verified;
      await state?.lazy?.held;
      return SearchEngine.fromState(state as NonNullable<typeof state>);
    };
    const held = await load(BOT_READING);
    const onDisk = await load({ lazy: LAZY_ARRAYS });
    await truncate(file, 100);
    for (const article of articles) {
      expect(held.getArticle(article.id)).toEqual(article);
      expect(held.sentenceTerms(article.id)).toEqual(engine.sentenceTerms(article.id));
    }
    // The same snapshot left on disk reads the file for every article: it is gone.
    expect(() => onDisk.getArticle(articles[0]?.id ?? '')).toThrow();
    expect(heldInMemory(2 ** 40)).toBe(false);
  });

  it('adds and removes articles after a load as it does before one', async () => {
    const c = await tempCorpus();
    cleanups.push(c.cleanup);
    const [first, ...others] = articles;
    await writeSnapshot(c.snapshotDir, SearchEngine.fromArticles(others).toState());
    const loaded = SearchEngine.fromState(
      (await readSnapshot(c.snapshotDir, { lazy: LAZY_ARRAYS })) as NonNullable<
        Awaited<ReturnType<typeof readSnapshot>>
      >,
    );
    loaded.add(first as Article);
    loaded.remove(others[0]?.id ?? '');
    const fresh = SearchEngine.fromArticles([first as Article, ...others.slice(1)]);
    const query = analyze(`${first?.meta.title} ${others[1]?.meta.title}`).map((term) => ({
      term,
      weight: 1,
    }));
    expect(hitsOf(loaded.searchPassagesSync(query, { limit: 10 }))).toEqual(
      hitsOf(fresh.searchPassagesSync(query, { limit: 10 })),
    );
    expect(loaded.stats().df('bank')).toBe(fresh.stats().df('bank'));
    expect(loaded.size).toEqual(fresh.size);
  });
});

describe('SearchEngine.forkWith / toStateSliced', () => {
  it('changes a copy, packed in slices, and leaves the engine it came from answering as before', async () => {
    const [first, second, ...rest] = articles as [Article, Article, ...Article[]];
    const query = analyze(`${first.meta.title} ${second.meta.title}`).map((term) => ({ term, weight: 1 }));
    const before = hitsOf(engine.searchPassagesSync(query, { limit: 10 }));
    const retitled: Article = { ...second, meta: { ...second.meta, title: 'Council approves harbour plan' } };

    const fork = await engine.forkWith([first.id], [retitled]);

    expect(hitsOf(engine.searchPassagesSync(query, { limit: 10 }))).toEqual(before);
    expect(engine.size.articles).toBe(articles.length);
    expect(engine.getArticle(first.id)).toBeDefined();
    const fresh = SearchEngine.fromArticles([...rest, retitled]);
    expect(hitsOf(fork.searchPassagesSync(query, { limit: 10 }))).toEqual(
      hitsOf(fresh.searchPassagesSync(query, { limit: 10 })),
    );
    expect(fork.getArticle(first.id)).toBeUndefined();
    expect(fork.stats().df('bank')).toBe(fresh.stats().df('bank'));
    expect(await fork.toStateSliced()).toEqual(fork.toState());
  });
});
