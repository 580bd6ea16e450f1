import { FIELD_BOOST, PASSAGE_BM25 } from './options.js';
import { runNow, type Steps } from './slices.js';

/** An article's analyzed terms: sentence i's term ids are `terms[termOffsets[i] .. termOffsets[i + 1]]`. */
export interface SentenceTerms {
  readonly termOffsets: Uint32Array;
  readonly terms: Uint32Array;
}

/** What the packed index needs of one article besides its terms: title term ids and passages. */
export interface PackableArticle {
  /** Title term ids. */
  readonly titleTerms: Uint32Array;
  /** `[first, last]` sentence (inclusive, article-relative) of each passage, flat. */
  readonly passages: Uint32Array;
}

/** A file holding the text postings (`index.textPassages`, `index.textFreqs`) of a packed index. */
export interface PostingsFile {
  /** Reads `target.length` elements of the named array, from element `from`, into `target`. */
  readInto(name: string, from: number, target: Uint32Array | Uint8Array): void;
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
  /** In memory, or (`textFile`) left in a snapshot file and read a term at a time. */
  textPassages?: Uint32Array | undefined;
  textFreqs?: Uint8Array | undefined;
  textFile?: PostingsFile | undefined;
  /** Title postings, by article. */
  titleOffsets: Uint32Array;
  titleArticles: Uint32Array;
  titleFreqs: Uint16Array;
  /** Distinct title terms of each article. */
  titleLength: Uint32Array;
  /**
   * Per term, the most one passage can get from it at weight 1 (its best title score plus its best text
   * score): what lets a search stop reading a term's lists without reading them first.
   */
  termBound: Float64Array;
}

/** Builds the packed index of `articles` (their order is the passage order) over `vocabularySize` terms. */
export function packIndex<A extends PackableArticle>(
  articles: readonly A[],
  vocabularySize: number,
  termsOf: (article: A) => SentenceTerms,
): PackedIndex {
  return runNow(packIndexSteps(articles, vocabularySize, termsOf));
}

/** Articles, or postings bounded, between two points where `packIndexSteps` may pause. */
const ARTICLES_PER_STEP = 64;
const POSTINGS_PER_STEP = 32_768;

/**
 * `packIndex` as steps (`slices.ts`), pausing every few dozen articles or tens of thousands of
 * postings: the running bot packs a large index in slices between questions. `articles` and `termsOf`
 * must not change until it is done.
 */
export function* packIndexSteps<A extends PackableArticle>(
  articles: readonly A[],
  vocabularySize: number,
  termsOf: (article: A) => SentenceTerms,
): Steps<PackedIndex> {
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
  for (let slot = 0; slot < articles.length; slot++) {
    if (slot % ARTICLES_PER_STEP === ARTICLES_PER_STEP - 1) yield;
    const a = articles[slot] as A;
    articlePassages[slot] = p;
    for (let i = 0; i < a.titleTerms.length; i++) {
      const t = a.titleTerms[i] as number;
      if (seen[t] === -2 - slot) continue;
      seen[t] = -2 - slot;
      titleCount[t] = (titleCount[t] as number) + 1;
      titleLength[slot] = (titleLength[slot] as number) + 1;
    }
    const sentences = termsOf(a);
    for (let n = 0; n < a.passages.length / 2; n++, p++) {
      passageArticle[p] = slot;
      passageOrdinal[p] = n;
      const [from, to] = termRange(a, sentences, n);
      let distinct = 0;
      for (let i = from; i < to; i++) {
        const t = sentences.terms[i] as number;
        if (seen[t] === p) continue;
        seen[t] = p;
        distinct++;
        textCount[t] = (textCount[t] as number) + 1;
      }
      passageLength[p] = distinct;
    }
  }
  articlePassages[articles.length] = p;

  const textOffsets = prefixSums(textCount);
  const titleOffsets = prefixSums(titleCount);
  const textPassages = new Uint32Array(textOffsets[V] as number);
  const textFreqs = new Uint8Array(textPassages.length);
  const titleArticles = new Uint32Array(titleOffsets[V] as number);
  const titleFreqs = new Uint16Array(titleArticles.length);
  const textCursor = textOffsets.slice(0, V);
  const titleCursor = titleOffsets.slice(0, V);
  const freq = new Uint16Array(V);
  seen.fill(-1);
  // Fresh memory is mapped on first write, which pass 2 would do all over the arrays at once.
  yield* touch(textPassages);
  yield* touch(textFreqs);

  // Pass 2: fill the postings, passage by passage (so each list is in passage order).
  p = 0;
  for (let slot = 0; slot < articles.length; slot++) {
    if (slot % ARTICLES_PER_STEP === ARTICLES_PER_STEP - 1) yield;
    const a = articles[slot] as A;
    emit(a.titleTerms, 0, a.titleTerms.length, -2 - slot, slot, titleCursor, titleArticles, titleFreqs);
    const sentences = termsOf(a);
    for (let n = 0; n < a.passages.length / 2; n++, p++) {
      const [from, to] = termRange(a, sentences, n);
      emit(sentences.terms, from, to, p, p, textCursor, textPassages, textFreqs);
    }
  }
  const index: PackedIndex = {
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
    termBound: new Float64Array(V),
  };
  // Pass 3: each term's bound, over its lists as a search would score them (no search scratch needed:
  // an index only built and saved never allocates it).
  const averages = fieldAverages(index);
  let work = 0;
  for (let t = 0; t < V; t++) {
    const from = textOffsets[t] as number;
    const to = textOffsets[t + 1] as number;
    // Common terms (the first ids) have long lists: a pause is due after so many postings, not terms.
    work += 1 + to - from;
    if (work >= POSTINGS_PER_STEP) {
      work = 0;
      yield;
    }
    const plan = termLists(index, t, textPassages.subarray(from, to), textFreqs.subarray(from, to));
    let bound = 0;
    for (let i = plan.titleFrom; i < plan.titleTo; i++)
      bound = Math.max(bound, titleScore(index, averages, plan, i, 1));
    let text = 0;
    for (let i = 0; i < plan.passages.length; i++)
      text = Math.max(text, textScore(index, averages, plan, i, 1));
    index.termBound[t] = bound + text;
  }
  return index;

  /** Appends one posting per distinct term of `terms[from..to)`, with its frequency, to each term's list. */
  function emit(
    terms: Uint32Array,
    from: number,
    to: number,
    stamp: number,
    doc: number,
    cursor: Uint32Array,
    docs: Uint32Array,
    freqs: Uint8Array | Uint16Array,
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
      // A text frequency above 255 (one passage repeating a word that often) is kept as 255.
      freqs[at] = Math.min(f, freqs instanceof Uint8Array ? 0xff : 0xffff);
      cursor[t] = at + 1;
      freq[t] = 0;
    }
  }
}

/** Writes zeros over a new array a slice at a time, so that mapping its memory is done in steps too. */
function* touch(array: Uint32Array | Uint8Array): Steps<void> {
  const step = 2 ** 18;
  for (let at = 0; at < array.length; at += step) {
    array.fill(0, at, at + step);
    yield;
  }
}

/** Where passage `n` of an article starts and ends in its term-id column. */
function termRange(a: PackableArticle, sentences: SentenceTerms, n: number): [number, number] {
  const first = a.passages[2 * n] as number;
  const last = a.passages[2 * n + 1] as number;
  return [sentences.termOffsets[first] as number, sentences.termOffsets[last + 1] as number];
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

/** Average field lengths of an index, for BM25+. */
interface FieldAverages {
  avgText: number;
  avgTitle: number;
}

/** Per-index scratch space, reused by every search: one slot per passage, one per term. */
interface Scratch extends FieldAverages {
  score: Float64Array;
  matched: Uint8Array;
  touchedAt: Int32Array;
  touched: Int32Array;
  /** The passages still in the running once pruning starts (a filtered copy of `touched`). */
  survivors: Int32Array;
  /** The last query term counted for the passage. */
  lastTerm: Int32Array;
  /** Per query term, buffers for postings read from a file. */
  buffers: { passages: Uint32Array; freqs: Uint8Array }[];
}
const scratchOf = new WeakMap<PackedIndex, Scratch>();
/** How much dearer one binary-search step is than reading one posting in order (cache misses). */
const PROBE_COST = 4;

/** One query term, ready to score: its postings' ranges and the per-field constants of its BM25+. */
interface TermPlan {
  term: number;
  weight: number;
  /** The most this term adds to one passage's sum. */
  bound: number;
  titleFrom: number;
  titleTo: number;
  titleIdf: number;
  /** The term's text postings: passages (ascending) and frequencies. */
  passages: Uint32Array;
  freqs: Uint8Array;
  textIdf: number;
}

/**
 * The `limit` best passages for the query terms (ids into the vocabulary, with weights), best first:
 * exactly MiniSearch's OR search with `boostTerm` (sum of the terms' BM25+ over title and text, times
 * the number of query terms matched). Terms are read heaviest first; once no passage not seen yet could
 * still reach the current `limit`-th score, the lighter terms' long lists are no longer read through:
 * only the passages that can still make the cut look those terms up (a binary search per passage), the
 * max-score idea adapted to the matched-terms multiplier. `accept`, when given, keeps only passages of
 * the articles it accepts (by article slot).
 */
export function searchPacked(
  index: PackedIndex,
  query: readonly { term: number; weight: number }[],
  limit: number,
  accept?: (articleSlot: number) => boolean,
): PassageHit[] {
  const N = index.passageArticle.length;
  if (N === 0 || limit <= 0) return [];
  const scratch = scratchFor(index);
  const { score, matched, touchedAt } = scratch;
  const plans = query
    .filter((q) => q.term < index.textOffsets.length - 1 && q.weight > 0)
    .map((q, slot) => planTerm(index, scratch, q.term, q.weight, slot))
    .filter((plan) => plan.bound > 0)
    .sort((a, b) => b.bound - a.bound);
  const n = plans.length;
  const rest = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) rest[i] = (rest[i + 1] as number) + (plans[i] as TermPlan).bound;

  const acc = new Accumulator(
    scratch,
    limit,
    accept && ((p: number) => accept(index.passageArticle[p] as number)),
  );
  let i = 0;
  let threshold = 0;
  for (; i < n; i++) {
    // A passage not seen yet could at most match every remaining term at its best.
    const newcomer = (rest[i] as number) * (n - i);
    threshold = acc.leaders.kth();
    if (newcomer < threshold) break;
    scanTerm(index, scratch, plans[i] as TermPlan, i, acc, false);
  }

  // The lighter terms only add to passages already seen, and only to those that can still make the cut:
  // looked up one by one when they are few, else by one pass over the term's lists.
  // A copy: filtered in place below, while `acc.touched` must still list every passage to reset.
  let survivors = acc.touched.subarray(0, acc.count);
  if (i < n) {
    scratch.survivors.set(survivors);
    survivors = scratch.survivors.subarray(0, acc.count);
  }
  for (; i < n; i++) {
    const remaining = n - i;
    const bound = rest[i] as number;
    let kept = 0;
    for (let k = 0; k < survivors.length; k++) {
      const p = survivors[k] as number;
      if (((score[p] as number) + bound) * ((matched[p] as number) + remaining) >= threshold)
        survivors[kept++] = p;
    }
    survivors = survivors.subarray(0, kept);
    const plan = plans[i] as TermPlan;
    const postings = plan.passages.length + (plan.titleTo - plan.titleFrom);
    if (kept * Math.log2(postings + 2) * PROBE_COST < postings) {
      for (let k = 0; k < kept; k++) {
        const p = survivors[k] as number;
        const s = probeTerm(index, scratch, plan, p);
        if (s > 0) acc.add(p, i, s);
      }
    } else {
      scanTerm(index, scratch, plan, i, acc, true);
    }
    threshold = acc.leaders.kth();
  }

  const best = new TopHits(limit);
  for (let k = 0; k < survivors.length; k++) {
    const p = survivors[k] as number;
    best.offer(p, (score[p] as number) * (matched[p] as number), touchedAt[p] as number);
  }
  acc.reset();
  return best.sorted();
}

function planTerm(
  index: PackedIndex,
  scratch: Scratch,
  term: number,
  weight: number,
  slot: number,
): TermPlan {
  const { passages, freqs } = textPostings(index, scratch, term, slot);
  return {
    ...termLists(index, term, passages, freqs),
    weight,
    bound: (index.termBound[term] as number) * weight,
  };
}

/** A term's lists and per-field IDFs, at weight 1 and with no bound yet. */
function termLists(index: PackedIndex, term: number, passages: Uint32Array, freqs: Uint8Array): TermPlan {
  const N = index.passageArticle.length;
  const titleFrom = index.titleOffsets[term] as number;
  const titleTo = index.titleOffsets[term + 1] as number;
  let titleDf = 0;
  for (let i = titleFrom; i < titleTo; i++) titleDf += passagesOf(index, index.titleArticles[i] as number);
  const df = passages.length;
  return {
    term,
    weight: 1,
    bound: 0,
    titleFrom,
    titleTo,
    titleIdf: titleDf > 0 ? Math.log(1 + (N - titleDf + 0.5) / (titleDf + 0.5)) : 0,
    passages,
    freqs,
    textIdf: df > 0 ? Math.log(1 + (N - df + 0.5) / (df + 0.5)) : 0,
  };
}

/**
 * A term's text postings: views of the index's arrays, or read from its file into this query slot's
 * buffers (grown as needed and reused, so a search allocates nothing new for them).
 */
function textPostings(
  index: PackedIndex,
  scratch: Scratch,
  term: number,
  slot: number,
): { passages: Uint32Array; freqs: Uint8Array } {
  const from = index.textOffsets[term] as number;
  const to = index.textOffsets[term + 1] as number;
  if (index.textPassages && index.textFreqs) {
    return { passages: index.textPassages.subarray(from, to), freqs: index.textFreqs.subarray(from, to) };
  }
  const file = index.textFile;
  if (!file) throw new Error('the index has no text postings');
  let buffer = scratch.buffers[slot];
  if (!buffer || buffer.passages.length < to - from) {
    const size = Math.max(to - from, 2 * (buffer?.passages.length ?? 1024));
    buffer = { passages: new Uint32Array(size), freqs: new Uint8Array(size) };
    scratch.buffers[slot] = buffer;
  }
  const passages = buffer.passages.subarray(0, to - from);
  const freqs = buffer.freqs.subarray(0, to - from);
  file.readInto('index.textPassages', from, passages);
  file.readInto('index.textFreqs', from, freqs);
  return { passages, freqs };
}

/** The title field's score for title posting `i` (an article), the same for each of its passages. */
function titleScore(
  index: PackedIndex,
  scratch: FieldAverages,
  plan: TermPlan,
  i: number,
  weight: number,
): number {
  const length = index.titleLength[index.titleArticles[i] as number] as number;
  const scale = weight * FIELD_BOOST.title * plan.titleIdf;
  return scale * bm25Plus(index.titleFreqs[i] as number, length, scratch.avgTitle);
}

/** The text field's score for text posting `i`. */
function textScore(
  index: PackedIndex,
  scratch: FieldAverages,
  plan: TermPlan,
  i: number,
  weight: number,
): number {
  const length = index.passageLength[plan.passages[i] as number] as number;
  return (
    weight * FIELD_BOOST.text * plan.textIdf * bm25Plus(plan.freqs[i] as number, length, scratch.avgText)
  );
}

/** BM25+'s term-frequency part (MiniSearch's formula; a field length of 0 counts as 1, as there). */
function bm25Plus(tf: number, length: number, averageLength: number): number {
  const { k, b, d } = PASSAGE_BM25;
  return d + (tf * (k + 1)) / (tf + k * (1 - b + (b * Math.max(1, length)) / averageLength));
}

/**
 * Reads a term's whole lists: title first, then text (the order MiniSearch visits fields in). With
 * `seenOnly`, passages not seen yet are skipped.
 */
function scanTerm(
  index: PackedIndex,
  scratch: Scratch,
  plan: TermPlan,
  q: number,
  acc: Accumulator,
  seenOnly: boolean,
): void {
  const { articlePassages, titleArticles, passageLength } = index;
  const { passages, freqs } = plan;
  for (let i = plan.titleFrom; i < plan.titleTo; i++) {
    const s = titleScore(index, scratch, plan, i, plan.weight);
    const a = titleArticles[i] as number;
    const end = articlePassages[a + 1] as number;
    for (let p = articlePassages[a] as number; p < end; p++) {
      if (!seenOnly || acc.seen(p)) acc.add(p, q, s);
    }
  }
  // textScore, unrolled: this loop is the hot path of a search.
  const { k, b, d } = PASSAGE_BM25;
  const scale = plan.weight * FIELD_BOOST.text * plan.textIdf;
  const k1 = k + 1;
  const flat = k * (1 - b);
  const slope = (k * b) / scratch.avgText;
  for (let i = 0; i < passages.length; i++) {
    const p = passages[i] as number;
    const tf = freqs[i] as number;
    if (seenOnly && !acc.seen(p)) continue;
    const length = Math.max(1, passageLength[p] as number);
    acc.add(p, q, scale * (d + (tf * k1) / (tf + flat + slope * length)));
  }
}

/** Per-passage sums and matched-term counts of one search, over the index's reusable scratch arrays. */
class Accumulator {
  /** Passages seen, in the order first seen: `touched[0 .. count]`. */
  readonly touched: Int32Array;
  count = 0;
  /** The `limit` best passages so far, kept up to date as scores are added. */
  readonly leaders: Leaders;
  private readonly score: Float64Array;
  private readonly matched: Uint8Array;
  private readonly lastTerm: Int32Array;
  private readonly touchedAt: Int32Array;

  constructor(
    scratch: Scratch,
    limit: number,
    private readonly accept: ((passage: number) => boolean) | undefined,
  ) {
    this.leaders = new Leaders(limit);
    this.touched = scratch.touched;
    this.score = scratch.score;
    this.matched = scratch.matched;
    this.lastTerm = scratch.lastTerm;
    this.touchedAt = scratch.touchedAt;
  }

  seen(p: number): boolean {
    return this.touchedAt[p] !== -1;
  }

  /** Adds term `q`'s score `s` to passage `p` (terms are distinct: a term counts once per passage). */
  add(p: number, q: number, s: number): void {
    let sum = s;
    let terms = 1;
    if (this.touchedAt[p] === -1) {
      if (this.accept && !this.accept(p)) return;
      this.touchedAt[p] = this.count;
      this.touched[this.count++] = p;
      this.lastTerm[p] = q;
    } else {
      sum += this.score[p] as number;
      terms = this.matched[p] as number;
      if (this.lastTerm[p] !== q) {
        this.lastTerm[p] = q;
        terms++;
      }
    }
    this.score[p] = sum;
    this.matched[p] = terms;
    // Most passages stay under the lowest leader: one comparison, nothing more.
    if (sum * terms > this.leaders.floor) this.leaders.offer(p, sum * terms);
  }

  /** Clears the scratch arrays for the next search. */
  reset(): void {
    for (let k = 0; k < this.count; k++) this.touchedAt[this.touched[k] as number] = -1;
    this.count = 0;
  }
}

/** What one term adds to one passage, found by binary search in the term's sorted lists. */
function probeTerm(index: PackedIndex, scratch: Scratch, plan: TermPlan, p: number): number {
  let s = 0;
  const a = index.passageArticle[p] as number;
  const t = lowerBound(index.titleArticles, plan.titleFrom, plan.titleTo, a);
  if (t < plan.titleTo && index.titleArticles[t] === a) s += titleScore(index, scratch, plan, t, plan.weight);
  const x = lowerBound(plan.passages, 0, plan.passages.length, p);
  if (plan.passages[x] === p) s += textScore(index, scratch, plan, x, plan.weight);
  return s;
}

function lowerBound(list: Uint32Array, from: number, to: number, value: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The `k` best passages of a search so far, by sum times terms matched, with their current scores: an
 * accumulator offers a passage each time its score rises above `floor`, so `kth()` is always exactly the
 * k-th best score over every passage seen, with no pass over them.
 */
class Leaders {
  /** Ascending by score; a passage is listed once. */
  private readonly ids: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;
  /** What a passage must beat to become a leader: -1 while fewer than `k` are listed. */
  floor = -1;

  constructor(private readonly k: number) {
    this.ids = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  /** Passage `p` now scores `s` (above `floor`): listed, or moved up if it already is. */
  offer(p: number, s: number): void {
    const { ids, scores, k } = this;
    let j = 0;
    while (j < this.size && ids[j] !== p) j++;
    if (j === this.size) {
      // Not listed: it takes a new place, or the lowest leader's when the list is full.
      if (this.size < k) {
        j = this.size++;
        while (j > 0 && (scores[j - 1] as number) > s) {
          scores[j] = scores[j - 1] as number;
          ids[j] = ids[j - 1] as number;
          j--;
        }
        scores[j] = s;
        ids[j] = p;
        if (this.size === k) this.floor = scores[0] as number;
        return;
      }
      j = 0;
    }
    // Sift up from place j: its score only rose.
    while (j + 1 < this.size && (scores[j + 1] as number) < s) {
      scores[j] = scores[j + 1] as number;
      ids[j] = ids[j + 1] as number;
      j++;
    }
    scores[j] = s;
    ids[j] = p;
    if (this.size === k) this.floor = scores[0] as number;
  }

  /** The k-th best score, or 0 while fewer than k passages have been seen. */
  kth(): number {
    return this.size < this.k ? 0 : (this.scores[0] as number);
  }
}

/** The average field lengths BM25+ normalises by (a title counts once per passage of its article). */
function fieldAverages(index: PackedIndex): FieldAverages {
  const N = index.passageArticle.length;
  let textTotal = 0;
  for (let p = 0; p < N; p++) textTotal += Math.max(1, index.passageLength[p] as number);
  let titleTotal = 0;
  for (let a = 0; a < index.titleLength.length; a++) {
    titleTotal += Math.max(1, index.titleLength[a] as number) * passagesOf(index, a);
  }
  return { avgText: textTotal / N, avgTitle: titleTotal / N };
}

function scratchFor(index: PackedIndex): Scratch {
  let scratch = scratchOf.get(index);
  if (scratch) return scratch;
  const N = index.passageArticle.length;
  scratch = {
    score: new Float64Array(N),
    matched: new Uint8Array(N),
    touchedAt: new Int32Array(N).fill(-1),
    touched: new Int32Array(N),
    survivors: new Int32Array(N),
    lastTerm: new Int32Array(N),
    ...fieldAverages(index),
    buffers: [],
  };
  scratchOf.set(index, scratch);
  return scratch;
}

function passagesOf(index: PackedIndex, article: number): number {
  return (index.articlePassages[article + 1] as number) - (index.articlePassages[article] as number);
}

/**
 * The best `limit` hits seen, in a min-heap; ties keep the earlier-seen hit (MiniSearch's stable sort).
 * A hit is only made into an object once it enters the heap: most offers lose against the worst kept.
 */
class TopHits {
  private readonly heap: Hit[] = [];
  constructor(private readonly limit: number) {}

  offer(passage: number, score: number, order: number): void {
    const heap = this.heap;
    if (heap.length < this.limit) {
      heap.push({ passage, score, order });
      this.up(heap.length - 1);
      return;
    }
    const worst = heap[0] as Hit;
    if (!(worst.score < score || (worst.score === score && worst.order > order))) return;
    heap[0] = { passage, score, order };
    this.down(0);
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(heap[i] as Hit, heap[parent] as Hit)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l] as Hit, heap[m] as Hit)) m = l;
      if (r < heap.length && worse(heap[r] as Hit, heap[m] as Hit)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const kept = this.heap[i] as Hit;
    this.heap[i] = this.heap[j] as Hit;
    this.heap[j] = kept;
  }

  sorted(): PassageHit[] {
    return [...this.heap]
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .map(({ passage, score }) => ({ passage, score }));
  }
}

interface Hit {
  passage: number;
  score: number;
  order: number;
}

const worse = (a: Hit, b: Hit): boolean => a.score < b.score || (a.score === b.score && a.order > b.order);
