import { FIELD_BOOST, PASSAGE_BM25 } from './options.js';

/**
 * What the packed index needs of one article: where its analyzed terms are (term ids, sentence by
 * sentence, contiguous), its title's term ids, and its passages as sentence ranges.
 */
export interface PackableArticle {
  /** Term ids of every sentence, contiguous; sentence i spans `termOffsets[s0 + i] .. [s0 + i + 1]`. */
  readonly cols: { readonly termOffsets: Uint32Array; readonly terms: Uint32Array };
  readonly s0: number;
  /** Title term ids. */
  readonly titleTerms: Uint32Array;
  /** `[first, last]` sentence (inclusive, article-relative) of each passage, flat. */
  readonly passages: Uint32Array;
}

/** A scored passage: its number in the packed index and the index's score. */
export interface PassageHit {
  passage: number;
  score: number;
}

/**
 * An immutable inverted index over passages, in typed arrays: for every term id, the passages whose
 * text holds it (with the term's frequency) and the articles whose title holds it. Scores are
 * MiniSearch's BM25+ over two fields (title boosted, the same for every passage of an article), summed
 * over the query terms and multiplied by the number of query terms matched, so results are those the
 * MiniSearch index gave, without its per-posting objects: built in one pass, saved as raw arrays, and
 * searched term-at-a-time over flat accumulators.
 */
export interface PackedIndex {
  /** Articles in passage order; passage p belongs to `articles[passageArticle[p]]`. */
  passageArticle: Uint32Array;
  /** The passage's number within its article. */
  passageOrdinal: Uint32Array;
  /** Distinct terms of the passage's text (MiniSearch's field length). */
  passageLength: Uint32Array;
  /** The first passage of each article (articles in order), plus one past the last. */
  articlePassages: Uint32Array;
  /** Text postings: term t's passages are `textPassages[textOffsets[t] .. textOffsets[t + 1]]`. */
  textOffsets: Uint32Array;
  textPassages: Uint32Array;
  textFreqs: Uint16Array;
  /** Title postings, by article. */
  titleOffsets: Uint32Array;
  titleArticles: Uint32Array;
  titleFreqs: Uint16Array;
  /** Distinct title terms of each article. */
  titleLength: Uint32Array;
}

/** Builds the packed index of `articles` (their order is the passage order) over `vocabularySize` terms. */
export function packIndex(articles: readonly PackableArticle[], vocabularySize: number): PackedIndex {
  const V = vocabularySize;
  let passageCount = 0;
  for (const a of articles) passageCount += a.passages.length / 2;
  const passageArticle = new Uint32Array(passageCount);
  const passageOrdinal = new Uint32Array(passageCount);
  const passageLength = new Uint32Array(passageCount);
  const articlePassages = new Uint32Array(articles.length + 1);
  const titleLength = new Uint32Array(articles.length);
  const textCount = new Uint32Array(V + 1);
  const titleCount = new Uint32Array(V + 1);
  const seen = new Int32Array(V).fill(-1);

  // Pass 1: how many postings each term has, and each passage's and title's distinct-term count.
  let p = 0;
  articles.forEach((a, slot) => {
    articlePassages[slot] = p;
    for (let i = 0; i < a.titleTerms.length; i++) {
      const t = a.titleTerms[i] as number;
      if (seen[t] === -2 - slot) continue;
      seen[t] = -2 - slot;
      titleCount[t] = (titleCount[t] as number) + 1;
      titleLength[slot] = (titleLength[slot] as number) + 1;
    }
    for (let n = 0; n < a.passages.length / 2; n++, p++) {
      passageArticle[p] = slot;
      passageOrdinal[p] = n;
      const [from, to] = termRange(a, n);
      let distinct = 0;
      for (let i = from; i < to; i++) {
        const t = a.cols.terms[i] as number;
        if (seen[t] === p) continue;
        seen[t] = p;
        distinct++;
        textCount[t] = (textCount[t] as number) + 1;
      }
      passageLength[p] = distinct;
    }
  });
  articlePassages[articles.length] = p;

  const textOffsets = prefixSums(textCount);
  const titleOffsets = prefixSums(titleCount);
  const textPassages = new Uint32Array(textOffsets[V] as number);
  const textFreqs = new Uint16Array(textPassages.length);
  const titleArticles = new Uint32Array(titleOffsets[V] as number);
  const titleFreqs = new Uint16Array(titleArticles.length);
  const textCursor = textOffsets.slice(0, V);
  const titleCursor = titleOffsets.slice(0, V);
  const freq = new Uint16Array(V);
  seen.fill(-1);

  // Pass 2: fill the postings, passage by passage (so each list is in passage order).
  p = 0;
  articles.forEach((a, slot) => {
    emit(a.titleTerms, 0, a.titleTerms.length, -2 - slot, slot, titleCursor, titleArticles, titleFreqs);
    for (let n = 0; n < a.passages.length / 2; n++, p++) {
      const [from, to] = termRange(a, n);
      emit(a.cols.terms, from, to, p, p, textCursor, textPassages, textFreqs);
    }
  });
  return {
    passageArticle,
    passageOrdinal,
    passageLength,
    articlePassages,
    textOffsets,
    textPassages,
    textFreqs,
    titleOffsets,
    titleArticles,
    titleFreqs,
    titleLength,
  };

  /** Appends one posting per distinct term of `terms[from..to)`, with its frequency, to each term's list. */
  function emit(
    terms: Uint32Array,
    from: number,
    to: number,
    stamp: number,
    doc: number,
    cursor: Uint32Array,
    docs: Uint32Array,
    freqs: Uint16Array,
  ): void {
    for (let i = from; i < to; i++) {
      const t = terms[i] as number;
      if (seen[t] !== stamp) {
        seen[t] = stamp;
        freq[t] = 0;
      }
      if ((freq[t] as number) < 0xffff) freq[t] = (freq[t] as number) + 1;
    }
    for (let i = from; i < to; i++) {
      const t = terms[i] as number;
      const f = freq[t] as number;
      if (f === 0) continue;
      const at = cursor[t] as number;
      docs[at] = doc;
      freqs[at] = f;
      cursor[t] = at + 1;
      freq[t] = 0;
    }
  }
}

/** Where passage `n` of an article starts and ends in its term-id column. */
function termRange(a: PackableArticle, n: number): [number, number] {
  const first = a.passages[2 * n] as number;
  const last = a.passages[2 * n + 1] as number;
  return [a.cols.termOffsets[a.s0 + first] as number, a.cols.termOffsets[a.s0 + last + 1] as number];
}

function prefixSums(counts: Uint32Array): Uint32Array {
  const out = new Uint32Array(counts.length);
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    out[i] = sum;
    sum += counts[i] as number;
  }
  return out;
}

/** Per-search scratch space, reused: one slot per passage. */
interface Scratch {
  score: Float64Array;
  matched: Uint8Array;
  lastTerm: Int32Array;
  avgText: number;
  avgTitle: number;
}
const scratchOf = new WeakMap<PackedIndex, Scratch>();

/**
 * The `limit` best passages for the query terms (ids into the vocabulary, with weights), best first:
 * MiniSearch's OR search with `boostTerm`. `accept`, when given, keeps only passages of the articles it
 * accepts (by article slot).
 */
export function searchPacked(
  index: PackedIndex,
  query: readonly { term: number; weight: number }[],
  limit: number,
  accept?: (articleSlot: number) => boolean,
): PassageHit[] {
  const N = index.passageArticle.length;
  if (N === 0 || limit <= 0) return [];
  const { score, matched, lastTerm, avgText, avgTitle } = scratchFor(index);
  const { k, b, d } = PASSAGE_BM25;
  const touched: number[] = [];
  const add = (p: number, q: number, s: number) => {
    if (lastTerm[p] === -1) {
      touched.push(p);
      score[p] = 0;
      matched[p] = 0;
    }
    if (lastTerm[p] !== q) {
      lastTerm[p] = q;
      matched[p] = (matched[p] as number) + 1;
    }
    score[p] = (score[p] as number) + s;
  };

  query.forEach(({ term, weight }, q) => {
    if (term >= index.textOffsets.length - 1) return;
    // Title first, then text: the order MiniSearch visits fields in.
    const titleFrom = index.titleOffsets[term] as number;
    const titleTo = index.titleOffsets[term + 1] as number;
    let titleDf = 0;
    for (let i = titleFrom; i < titleTo; i++) titleDf += passagesOf(index, index.titleArticles[i] as number);
    if (titleDf > 0) {
      const idf = Math.log(1 + (N - titleDf + 0.5) / (titleDf + 0.5));
      for (let i = titleFrom; i < titleTo; i++) {
        const a = index.titleArticles[i] as number;
        const tf = index.titleFreqs[i] as number;
        const length = Math.max(1, index.titleLength[a] as number);
        const s =
          weight *
          FIELD_BOOST.title *
          idf *
          (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * length) / avgTitle)));
        const end = index.articlePassages[a + 1] as number;
        for (let p = index.articlePassages[a] as number; p < end; p++) add(p, q, s);
      }
    }
    const from = index.textOffsets[term] as number;
    const to = index.textOffsets[term + 1] as number;
    const df = to - from;
    if (df === 0) return;
    const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
    const scale = weight * FIELD_BOOST.text * idf;
    const norm = k * (1 - b);
    const slope = (k * b) / avgText;
    for (let i = from; i < to; i++) {
      const p = index.textPassages[i] as number;
      const tf = index.textFreqs[i] as number;
      const length = Math.max(1, index.passageLength[p] as number);
      add(p, q, scale * (d + (tf * (k + 1)) / (tf + norm + slope * length)));
    }
  });

  const best = new TopHits(limit);
  touched.forEach((p, order) => {
    lastTerm[p] = -1;
    if (accept && !accept(index.passageArticle[p] as number)) return;
    best.offer(p, (score[p] as number) * (matched[p] as number), order);
  });
  return best.sorted();
}

function scratchFor(index: PackedIndex): Scratch {
  let scratch = scratchOf.get(index);
  if (scratch) return scratch;
  const N = index.passageArticle.length;
  let textTotal = 0;
  for (let p = 0; p < N; p++) textTotal += Math.max(1, index.passageLength[p] as number);
  let titleTotal = 0;
  for (let a = 0; a < index.titleLength.length; a++) {
    titleTotal += Math.max(1, index.titleLength[a] as number) * passagesOf(index, a);
  }
  scratch = {
    score: new Float64Array(N),
    matched: new Uint8Array(N),
    lastTerm: new Int32Array(N).fill(-1),
    avgText: textTotal / N,
    avgTitle: titleTotal / N,
  };
  scratchOf.set(index, scratch);
  return scratch;
}

function passagesOf(index: PackedIndex, article: number): number {
  return (index.articlePassages[article + 1] as number) - (index.articlePassages[article] as number);
}

/** The best `limit` hits seen, in a min-heap; ties keep the earlier-seen hit (MiniSearch's stable sort). */
class TopHits {
  private readonly heap: { passage: number; score: number; order: number }[] = [];
  constructor(private readonly limit: number) {}

  private worse(a: { score: number; order: number }, b: { score: number; order: number }): boolean {
    return a.score < b.score || (a.score === b.score && a.order > b.order);
  }

  offer(passage: number, score: number, order: number): void {
    const heap = this.heap;
    const hit = { passage, score, order };
    if (heap.length < this.limit) {
      heap.push(hit);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(heap[i] as typeof hit, heap[parent] as typeof hit)) break;
        [heap[i], heap[parent]] = [heap[parent] as typeof hit, heap[i] as typeof hit];
        i = parent;
      }
      return;
    }
    if (!this.worse(heap[0] as typeof hit, hit)) return;
    heap[0] = hit;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.worse(heap[l] as typeof hit, heap[m] as typeof hit)) m = l;
      if (r < heap.length && this.worse(heap[r] as typeof hit, heap[m] as typeof hit)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m] as typeof hit, heap[i] as typeof hit];
      i = m;
    }
  }

  sorted(): PassageHit[] {
    return [...this.heap]
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .map(({ passage, score }) => ({ passage, score }));
  }
}
