import type { Article, ArticleMeta, Sentence } from '../corpus/article.js';
import { analyze } from '../text/analyzer.js';
import { buildPassages } from './chunk.js';
import { CHUNK_OPTIONS } from './options.js';
import {
  type PackableArticle,
  type PackedIndex,
  packIndex,
  packIndexSteps,
  type SentenceTerms,
  searchPacked,
} from './packed.js';
import { passageQueryTerms } from './query-terms.js';
import { runNow, runSliced, type Steps } from './slices.js';
import type { LazyArrays, SnapshotArray } from './snapshot.js';
import type {
  ArticleSummary,
  Candidate,
  CorpusStats,
  QueryTerm,
  SearchOptions,
  SearchStore,
} from './store.js';

/**
 * The serialisable state of an engine, written to and read from the snapshot. Article ids and paths
 * are plain lists; everything else is in typed arrays, per article where an article is read alone.
 */
export interface EngineState {
  ids: string[];
  paths: string[];
  vocabulary: string[];
  sentenceTermTotal: number;
  arrays: Record<string, SnapshotArray>;
  /** Arrays the snapshot reader left on disk (see `LAZY_ARRAYS`). */
  lazy?: LazyArrays | undefined;
}

/**
 * Arrays a loaded engine can read from the snapshot file only when an article is quoted, ranked or
 * removed (one read per article: its `bodies` record holds its sentence spans, paragraph offsets and
 * text; its `sentenceTerms` record its sentences' term ids), article metadata, parsed when shown,
 * and the text postings, read a term at a time by the searches that need them (the file stays in the
 * page cache). They are the bulk of a snapshot, which a start-up would otherwise spend most of its time
 * copying into memory.
 */
export const LAZY_ARRAYS = [
  'bodies',
  'sentenceTerms',
  'meta',
  'index.textPassages',
  'index.textFreqs',
] as const;

/** Snapshots up to this size are held in memory whole: a question then reads no file. */
const IN_MEMORY_UP_TO = 160 * 2 ** 20;

/**
 * Which of `LAZY_ARRAYS` a loaded engine leaves on disk: all of them, except the text postings of a
 * snapshot small enough that holding them costs less than reading them for every question (at 10k
 * articles, 22 MB held against ~16 reads a question).
 */
export function leftOnDisk(name: string, snapshotBytes: number): boolean {
  if (!(LAZY_ARRAYS as readonly string[]).includes(name)) return false;
  return !name.startsWith('index.text') || !heldInMemory(snapshotBytes);
}

/**
 * Whether a snapshot's lazy arrays are read into memory at load all the same, checked in the
 * background like those left on disk. At 10k articles that is ~50 MB held against two reads for every
 * article a question touches (~20 µs each, ~0.5 ms of a question's ~2.5).
 */
export function heldInMemory(snapshotBytes: number): boolean {
  return snapshotBytes <= IN_MEMORY_UP_TO;
}

/** How the bot reads its snapshot: lazily where `leftOnDisk` says, in memory where `heldInMemory` does. */
export const BOT_READING = { lazy: leftOnDisk, resident: heldInMemory } as const;

/** Per article in `counts`: sentences, paragraphs, title terms, passages, text bytes. */
const COUNTS = 5;

/**
 * A loaded snapshot's per-article columns: counts and record offsets in memory, the records themselves
 * in its lazy arrays. Articles refer to it by their slot, so everything about them is derived from here.
 */
class SnapshotColumns {
  constructor(
    readonly arrays: LazyArrays,
    private readonly counts: Uint32Array,
    private readonly offsets: Record<'bodies' | 'sentenceTerms' | 'meta', Float64Array>,
    private readonly hashes: Uint8Array,
  ) {}

  /** One of the article's counts (`COUNTS`: 0 sentences, 1 paragraphs, 2 title terms, 3 passages, 4 text bytes). */
  count(slot: number, k: number): number {
    return this.counts[COUNTS * slot + k] as number;
  }

  /** Where the article's record is in a lazy array: `[start, end)`. */
  range(name: 'bodies' | 'sentenceTerms' | 'meta', slot: number): [number, number] {
    const offsets = this.offsets[name];
    return [offsets[slot] as number, offsets[slot + 1] as number];
  }

  /** The article's record in a lazy array (one read). */
  read(name: 'bodies' | 'sentenceTerms' | 'meta', slot: number): SnapshotArray {
    const [from, to] = this.range(name, slot);
    return this.arrays.read(name, from, to - from);
  }

  /**
   * The article's record read into `scratch`'s reused memory (grown when too small): a view valid until
   * the next read into it. Questions read a record per candidate article; fresh arrays for each cost
   * the garbage collector more than the reads themselves. A snapshot held in memory gives a view of
   * the record itself, with no copy. Either is read-only.
   */
  readScratch<T extends Uint8Array | Uint32Array>(
    name: 'bodies' | 'sentenceTerms',
    slot: number,
    scratch: { array: T },
  ): T {
    const [from, to] = this.range(name, slot);
    const held = this.arrays.view(name, from, to - from);
    if (held) return held as T;
    if (scratch.array.length < to - from) {
      const Type = scratch.array.constructor as new (n: number) => T;
      scratch.array = new Type(Math.max(to - from, 2 * scratch.array.length));
    }
    const view = scratch.array.subarray(0, to - from) as T;
    this.arrays.readInto(name, from, view);
    return view;
  }

  hash(slot: number): string {
    return Buffer.from(this.hashes.buffer, this.hashes.byteOffset + 32 * slot, 32).toString('hex');
  }
}

/** A snapshot article: its snapshot's columns and its slot in them. */
interface OnDisk {
  columns: SnapshotColumns;
  slot: number;
}

/** An article's sentence spans (`[paragraph, start, end]` each) and paragraph offsets, with its text. */
interface Body {
  spans: Uint32Array;
  paragraphStarts: Uint32Array;
  text: string;
}

/** An article as the engine keeps it: typed arrays, and the rest read from disk when needed. */
interface ArticleRecord extends PackableArticle {
  id: string;
  path: string;
  /** Set for an article added in this process, or once read from the snapshot. */
  hash?: string | undefined;
  meta?: ArticleMeta | undefined;
  sentenceCount: number;
  /** Sentence term ids, once read (always, for an article added in this process). */
  terms?: SentenceTerms | undefined;
  /** Kept for an article added in this process; read from `disk` for one loaded from a snapshot. */
  body?: Body | undefined;
  disk?: OnDisk | undefined;
}

/**
 * An article loaded from a snapshot. Its title terms and passages are views of the snapshot's arrays,
 * made when first used: a start-up then creates one plain object per article and nothing more.
 */
class StoredArticle implements ArticleRecord {
  hash?: string | undefined;
  meta?: ArticleMeta | undefined;
  terms?: SentenceTerms | undefined;
  body?: Body | undefined;
  private title?: Uint32Array;
  private ranges?: Uint32Array;

  constructor(
    readonly id: string,
    readonly path: string,
    readonly disk: OnDisk,
    private readonly allTitles: Uint32Array,
    private readonly titleStart: number,
    private readonly allPassages: Uint32Array,
    private readonly passageStart: number,
  ) {}

  get sentenceCount(): number {
    return this.disk.columns.count(this.disk.slot, 0);
  }

  get titleTerms(): Uint32Array {
    const count = this.disk.columns.count(this.disk.slot, 2);
    this.title ??= this.allTitles.subarray(this.titleStart, this.titleStart + count);
    return this.title;
  }

  get passages(): Uint32Array {
    const count = this.disk.columns.count(this.disk.slot, 3);
    this.ranges ??= this.allPassages.subarray(2 * this.passageStart, 2 * (this.passageStart + count));
    return this.ranges;
  }
}

/** Articles kept expanded (sentence objects made) after a question touched them. */
const EXPANDED_ARTICLES = 512;
/** Articles serialised, or map entries copied, between two points where work in slices may pause. */
const ARTICLES_PER_STEP = 64;
const ENTRIES_PER_STEP = 4096;

/**
 * The embedded search store. Each sentence is analyzed once, when its article is added; its terms are
 * kept as ids into one vocabulary, with sentence document frequencies for the ranker. Passages are
 * indexed in a packed inverted index (`packed.ts`, scored as MiniSearch scores a title + text index),
 * rebuilt from the kept term ids after articles are added or removed, never by analyzing text again.
 * Articles can be added and removed one at a time, so a refresh only analyzes what changed.
 */
export class SearchEngine implements SearchStore {
  private readonly records = new Map<string, ArticleRecord>();
  private vocabulary: string[] = [];
  private readonly termIds = new Map<string, number>();
  private sentenceDf: Uint32Array = new Uint32Array(1024);
  private sentenceCount = 0;
  private sentenceTermTotal = 0;
  private packed: { index: PackedIndex; slots: ArticleRecord[]; slotOf?: Map<string, number> } | undefined;
  /** Counts additions and removals: work done in slices checks that none came in between. */
  private version = 0;
  private readonly expanded = new Map<string, Article>();
  private readonly termStrings = new Map<string, string[][]>();
  /** Reused memory for the records questions read (see `SnapshotColumns.readScratch`). */
  private readonly bodyScratch = { array: new Uint8Array(64 * 1024) };
  private readonly termScratch = { array: new Uint32Array(4 * 1024) };

  private constructor() {}

  /** An empty engine. */
  static create(): SearchEngine {
    return new SearchEngine();
  }

  /** An engine holding `articles`. */
  static fromArticles(articles: Iterable<Article>): SearchEngine {
    const engine = SearchEngine.create();
    for (const article of articles) engine.add(article);
    return engine;
  }

  /** Restores an engine from snapshot state without analyzing any text. */
  static fromState(state: EngineState): SearchEngine {
    const engine = new SearchEngine();
    const a = state.arrays;
    const need = <T extends SnapshotArray>(name: string, type: new (n: number) => T): T => {
      const array = a[name];
      if (!(array instanceof type)) throw new Error(`snapshot array ${name} is missing`);
      return array;
    };
    const u32 = (name: string) => need(name, Uint32Array);
    const { vocabulary } = state;
    for (let id = 0; id < vocabulary.length; id++) {
      const term = vocabulary[id] as string;
      engine.vocabulary.push(term);
      engine.termIds.set(term, id);
    }
    engine.sentenceDf = u32('sentenceDf');
    engine.sentenceTermTotal = state.sentenceTermTotal;
    const arrays = state.lazy ? either(state.lazy, inMemory(a)) : inMemory(a);
    const counts = u32('counts');
    const titleTerms = u32('titleTerms');
    const passages = u32('passages');
    const columns = new SnapshotColumns(
      arrays,
      counts,
      {
        bodies: need('bodyOffsets', Float64Array),
        sentenceTerms: need('sentenceTermOffsets', Float64Array),
        meta: need('metaOffsets', Float64Array),
      },
      need('hashes', Uint8Array),
    );
    if (state.ids.length !== state.paths.length || counts.length !== COUNTS * state.ids.length) {
      throw new Error('snapshot article lists disagree');
    }
    let title = 0;
    let passage = 0;
    let sentences = 0;
    for (let slot = 0; slot < state.ids.length; slot++) {
      const id = state.ids[slot] as string;
      const path = state.paths[slot] as string;
      engine.records.set(
        id,
        new StoredArticle(id, path, { columns, slot }, titleTerms, title, passages, passage),
      );
      title += columns.count(slot, 2);
      passage += columns.count(slot, 3);
      sentences += columns.count(slot, 0);
    }
    engine.sentenceCount = sentences;
    const slots = [...engine.records.values()];
    engine.packed = {
      index: {
        passageArticle: u32('index.passageArticle'),
        passageOrdinal: u32('index.passageOrdinal'),
        passageLength: u32('index.passageLength'),
        articlePassages: u32('index.articlePassages'),
        textOffsets: u32('index.textOffsets'),
        ...(!a['index.textPassages'] && state.lazy?.has('index.textPassages')
          ? { textFile: arrays }
          : { textPassages: u32('index.textPassages'), textFreqs: need('index.textFreqs', Uint8Array) }),
        titleOffsets: u32('index.titleOffsets'),
        titleArticles: u32('index.titleArticles'),
        titleFreqs: need('index.titleFreqs', Uint16Array),
        titleLength: u32('index.titleLength'),
        termBound: need('index.termBound', Float64Array),
      },
      slots,
    };
    return engine;
  }

  /**
   * Serialisable state for the snapshot, articles in index order: per article a `bodies` record
   * (spans, paragraph offsets, text; 4-byte aligned), a `sentenceTerms` record (term offsets, then
   * term ids), its metadata as JSON and its hash; then the packed index's arrays.
   */
  toState(): EngineState {
    return runNow(this.stateSteps());
  }

  /**
   * `toState` in slices between which the event loop turns (the running bot saving a large index):
   * the index is packed first, the same way. The engine must not change meanwhile (a refresh works on
   * a fork); if it does, this throws rather than return a state that mixes two versions.
   */
  async toStateSliced(): Promise<EngineState> {
    while (!this.packed) await this.prepare();
    const version = this.version;
    const state = await runSliced(this.stateSteps());
    if (version !== this.version) throw new Error('the engine changed while its state was being made');
    return state;
  }

  /**
   * Packs the passage index now, in slices between which the event loop turns, if articles were added
   * or removed since it was packed (otherwise the next question would pack it at once, in one piece).
   */
  private async prepare(): Promise<void> {
    if (this.packed) return;
    const version = this.version;
    const slots = [...this.records.values()];
    const index = await runSliced(packIndexSteps(slots, this.vocabulary.length, (r) => this.termsOf(r)));
    if (version === this.version) this.packed ??= { index, slots };
  }

  /**
   * A copy to change while this engine goes on answering: articles are shared (they never change in
   * place), the vocabulary and sentence statistics copied, the maps some thousands of entries a step.
   * A refresh applies its changes to a fork and swaps it in whole once it is packed, so questions
   * meanwhile see the old corpus throughout.
   */
  private *forkSteps(): Steps<SearchEngine> {
    const copy = new SearchEngine();
    const version = this.version;
    let n = 0;
    for (const [id, record] of this.records) {
      copy.records.set(id, record);
      if (++n % ENTRIES_PER_STEP === 0) yield;
    }
    for (const [term, id] of this.termIds) {
      copy.termIds.set(term, id);
      if (++n % ENTRIES_PER_STEP === 0) yield;
    }
    if (version !== this.version) throw new Error('the engine changed while it was being copied');
    copy.vocabulary = this.vocabulary.slice();
    copy.sentenceDf = this.sentenceDf.slice();
    copy.sentenceCount = this.sentenceCount;
    copy.sentenceTermTotal = this.sentenceTermTotal;
    copy.packed = this.packed;
    return copy;
  }

  /**
   * A fork (`forkSteps`) with the articles `removed` taken out and `incoming` added (replacing those
   * with the same id), packed: made in slices between which the event loop turns, while this engine
   * answers.
   */
  async forkWith(removed: readonly string[], incoming: readonly Article[]): Promise<SearchEngine> {
    const copy = await runSliced(this.forkSteps());
    await runSliced(copy.changeSteps(removed, incoming));
    await copy.prepare();
    return copy;
  }

  /** `remove` each of `removed`, then `add` each of `incoming`, as steps: one article per step. */
  *changeSteps(removed: readonly string[], incoming: readonly Article[]): Steps<void> {
    for (const id of removed) {
      this.remove(id);
      yield;
    }
    for (const article of incoming) {
      this.add(article);
      yield;
    }
  }

  private *stateSteps(): Steps<EngineState> {
    const { index, slots } = this.index();
    const A = slots.length;
    const counts = new Uint32Array(COUNTS * A);
    const bodyOffsets = new Float64Array(A + 1);
    const sentenceTermOffsets = new Float64Array(A + 1);
    const metaOffsets = new Float64Array(A + 1);
    const hashes = new Uint8Array(32 * A);
    // Pass 1: each record's size, so that pass 2 writes the records where they go in one array each
    // (made apart and joined, they held twice the memory: ~0.5 GB more at 100k articles).
    const newMeta = new Map<ArticleRecord, Uint8Array>();
    for (let i = 0; i < A; i++) {
      if (i % (8 * ARTICLES_PER_STEP) === 8 * ARTICLES_PER_STEP - 1) yield;
      const r = slots[i] as ArticleRecord;
      let body: number;
      let terms: number;
      let meta: number;
      if (r.disk) {
        const { columns, slot } = r.disk;
        body = spanOf(columns.range('bodies', slot));
        terms = spanOf(columns.range('sentenceTerms', slot));
      } else {
        const { spans, paragraphStarts, text } = r.body as Body;
        body = bodyRecordBytes(spans.length + paragraphStarts.length, Buffer.byteLength(text, 'utf8'));
        const { termOffsets } = r.terms as SentenceTerms;
        terms = termOffsets.length + (termOffsets[r.sentenceCount] as number) - (termOffsets[0] as number);
      }
      if (r.meta || !r.disk) {
        const bytes = this.metaBytes(r);
        newMeta.set(r, bytes);
        meta = bytes.length;
      } else meta = spanOf(r.disk.columns.range('meta', r.disk.slot));
      bodyOffsets[i + 1] = (bodyOffsets[i] as number) + body;
      sentenceTermOffsets[i + 1] = (sentenceTermOffsets[i] as number) + terms;
      metaOffsets[i + 1] = (metaOffsets[i] as number) + meta;
    }
    // Pass 2: the records, read into reused memory and copied where they go.
    const bodies = new Uint8Array(bodyOffsets[A] as number);
    const sentenceTerms = new Uint32Array(sentenceTermOffsets[A] as number);
    const metas = new Uint8Array(metaOffsets[A] as number);
    const bodyScratch = { array: new Uint8Array(64 * 1024) };
    const termScratch = { array: new Uint32Array(4 * 1024) };
    for (let i = 0; i < A; i++) {
      if (i % ARTICLES_PER_STEP === ARTICLES_PER_STEP - 1) yield;
      const r = slots[i] as ArticleRecord;
      const body = this.bodyBytes(r, bodyScratch);
      counts.set(
        [
          r.sentenceCount,
          body.paragraphStarts.length,
          r.titleTerms.length,
          r.passages.length / 2,
          body.text.length,
        ],
        COUNTS * i,
      );
      const at = bodyOffsets[i] as number;
      const head = new Uint32Array(bodies.buffer, at, body.spans.length + body.paragraphStarts.length);
      head.set(body.spans);
      head.set(body.paragraphStarts, body.spans.length);
      bodies.set(body.text, at + 4 * head.length);
      const { termOffsets, terms } = this.termsOf(r, termScratch);
      const from = termOffsets[0] as number;
      const termsAt = sentenceTermOffsets[i] as number;
      for (let k = 0; k < termOffsets.length; k++)
        sentenceTerms[termsAt + k] = (termOffsets[k] as number) - from;
      sentenceTerms.set(terms.subarray(from, termOffsets[r.sentenceCount]), termsAt + termOffsets.length);
      metas.set(newMeta.get(r) ?? this.metaBytes(r), metaOffsets[i] as number);
      hashes.set(Buffer.from(this.hashOf(r), 'hex').subarray(0, 32), 32 * i);
    }
    const arrays: Record<string, SnapshotArray> = {
      counts,
      titleTerms: yield* concatSteps(
        slots.map((r) => r.titleTerms),
        Uint32Array,
      ),
      passages: yield* concatSteps(
        slots.map((r) => r.passages),
        Uint32Array,
      ),
      bodyOffsets,
      bodies,
      sentenceTermOffsets,
      sentenceTerms,
      metaOffsets,
      meta: metas,
      hashes,
      sentenceDf: this.sentenceDf.subarray(0, this.vocabulary.length),
    };
    for (const [name, array] of Object.entries(index)) {
      if (ArrayBuffer.isView(array)) arrays[`index.${name}`] = array as SnapshotArray;
    }
    if (index.textFile) {
      // Postings still in the snapshot this engine was loaded from: copied across whole.
      const total = index.textOffsets[index.textOffsets.length - 1] as number;
      const passages = new Uint32Array(total);
      const freqs = new Uint8Array(total);
      index.textFile.readInto('index.textPassages', 0, passages);
      index.textFile.readInto('index.textFreqs', 0, freqs);
      arrays['index.textPassages'] = passages;
      arrays['index.textFreqs'] = freqs;
    }
    return {
      ids: slots.map((r) => r.id),
      paths: slots.map((r) => r.path),
      vocabulary: this.vocabulary,
      sentenceTermTotal: this.sentenceTermTotal,
      arrays,
    };
  }

  /** Adds an article (replacing one with the same id). */
  add(article: Article): void {
    if (this.records.has(article.id)) this.remove(article.id);
    const termOffsets = new Uint32Array(article.sentences.length + 1);
    const ids: number[] = [];
    const spans = new Uint32Array(3 * article.sentences.length);
    article.sentences.forEach((sentence, i) => {
      spans.set([sentence.paragraph, sentence.start, sentence.end], 3 * i);
      termOffsets[i] = ids.length;
      for (const term of analyze(sentence.text)) ids.push(this.termId(term));
    });
    termOffsets[article.sentences.length] = ids.length;
    const paragraphStarts = new Uint32Array(article.paragraphs.length);
    let at = 0;
    article.paragraphs.forEach((paragraph, i) => {
      paragraphStarts[i] = at;
      at += paragraph.length + 2;
    });
    const record: ArticleRecord = {
      id: article.id,
      path: article.path,
      hash: article.hash,
      meta: article.meta,
      sentenceCount: article.sentences.length,
      titleTerms: Uint32Array.from(analyze(article.meta.title), (term) => this.termId(term)),
      passages: Uint32Array.from(buildPassages(article, CHUNK_OPTIONS).flatMap((p) => [p.first, p.last])),
      terms: { termOffsets, terms: Uint32Array.from(ids) },
      body: { spans, paragraphStarts, text: article.text },
    };
    this.records.set(article.id, record);
    this.countSentences(record, 1);
    this.expanded.delete(article.id);
    this.termStrings.delete(article.id);
    this.packed = undefined;
    this.version++;
  }

  /** Removes an article and its passages; returns whether it was there. */
  remove(articleId: string): boolean {
    const record = this.records.get(articleId);
    if (!record) return false;
    this.countSentences(record, -1);
    this.records.delete(articleId);
    this.expanded.delete(articleId);
    this.termStrings.delete(articleId);
    this.packed = undefined;
    this.version++;
    return true;
  }

  /** Adds (`sign` 1) or takes away (-1) an article's sentences from the sentence statistics. */
  private countSentences(r: ArticleRecord, sign: 1 | -1): void {
    const { termOffsets, terms } = this.termsOf(r);
    const seen = new Set<number>();
    for (let i = 0; i < r.sentenceCount; i++) {
      seen.clear();
      const from = termOffsets[i] as number;
      const to = termOffsets[i + 1] as number;
      this.sentenceTermTotal += sign * (to - from);
      for (let k = from; k < to; k++) seen.add(terms[k] as number);
      for (const t of seen) this.sentenceDf[t] = (this.sentenceDf[t] as number) + sign;
    }
    this.sentenceCount += sign * r.sentenceCount;
  }

  /**
   * An article's sentence term ids: held by an added article, read from the snapshot each time for one
   * loaded from it (never kept: questions touch ever more articles, and a re-pack reads them all). With
   * `scratch`, read into reused memory: a view valid until the next such read.
   */
  private termsOf(r: ArticleRecord, scratch?: { array: Uint32Array }): SentenceTerms {
    if (r.terms) return r.terms;
    const { columns, slot } = r.disk as OnDisk;
    const record = scratch
      ? columns.readScratch('sentenceTerms', slot, scratch)
      : (columns.read('sentenceTerms', slot) as Uint32Array);
    const n = r.sentenceCount + 1;
    return { termOffsets: record.subarray(0, n), terms: record.subarray(n) };
  }

  /**
   * An article's spans, paragraph offsets and text as UTF-8 bytes (one read for a snapshot article;
   * into reused memory with `scratch`, valid until the next such read).
   */
  private bodyBytes(
    r: ArticleRecord,
    scratch?: { array: Uint8Array },
  ): {
    spans: Uint32Array;
    paragraphStarts: Uint32Array;
    text: Uint8Array;
  } {
    if (r.body) return { ...r.body, text: Buffer.from(r.body.text, 'utf8') };
    const { columns, slot } = r.disk as OnDisk;
    const record = scratch
      ? columns.readScratch('bodies', slot, scratch)
      : (columns.read('bodies', slot) as Uint8Array);
    const spans = new Uint32Array(record.buffer, record.byteOffset, 3 * r.sentenceCount);
    const paragraphStarts = new Uint32Array(
      record.buffer,
      record.byteOffset + spans.byteLength,
      columns.count(slot, 1),
    );
    const textAt = spans.byteLength + paragraphStarts.byteLength;
    return { spans, paragraphStarts, text: record.subarray(textAt, textAt + columns.count(slot, 4)) };
  }

  /** An article's metadata, parsed from the snapshot when first shown. */
  private metaOf(r: ArticleRecord): ArticleMeta {
    if (!r.meta) {
      const { columns, slot } = r.disk as OnDisk;
      const bytes = columns.read('meta', slot) as Uint8Array;
      r.meta = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    }
    return r.meta as ArticleMeta;
  }

  /** Parses every snapshot article's metadata not parsed yet, from one read of the whole section. */
  private readAllMeta(): void {
    const pending = [...this.records.values()].filter((r) => !r.meta && r.disk);
    const columns = pending[0]?.disk?.columns;
    if (!columns || pending.length < 64) return;
    const end = pending.reduce((n, r) => Math.max(n, columns.range('meta', (r.disk as OnDisk).slot)[1]), 0);
    const all = columns.arrays.read('meta', 0, end) as Uint8Array;
    const text = Buffer.from(all.buffer, all.byteOffset, all.byteLength);
    for (const r of pending) {
      const disk = r.disk as OnDisk;
      // An engine holds the articles of one snapshot at most; the check keeps this true if that changes.
      if (disk.columns !== columns) continue;
      const [from, to] = columns.range('meta', disk.slot);
      r.meta = JSON.parse(text.toString('utf8', from, to));
    }
  }

  private metaBytes(r: ArticleRecord): Uint8Array {
    if (r.meta || !r.disk) return Buffer.from(JSON.stringify(r.meta ?? {}), 'utf8');
    return r.disk.columns.read('meta', r.disk.slot) as Uint8Array;
  }

  /** An article's content hash (hex SHA-256). */
  private hashOf(r: ArticleRecord): string {
    if (r.hash === undefined) {
      const { columns, slot } = r.disk as OnDisk;
      r.hash = columns.hash(slot);
    }
    return r.hash;
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.vocabulary.length;
      this.vocabulary.push(term);
      this.termIds.set(term, id);
      if (id >= this.sentenceDf.length) {
        const grown = new Uint32Array(Math.max(1024, this.sentenceDf.length * 2));
        grown.set(this.sentenceDf);
        this.sentenceDf = grown;
      }
    }
    return id;
  }

  /** The packed passage index, rebuilt first when articles were added or removed since it was built. */
  private index(): NonNullable<SearchEngine['packed']> {
    if (!this.packed) {
      const slots = [...this.records.values()];
      this.packed = {
        index: packIndex(slots, this.vocabulary.length, (r) => this.termsOf(r)),
        slots,
      };
    }
    return this.packed;
  }

  async searchPassages(terms: QueryTerm[], options: SearchOptions): Promise<Candidate[]> {
    return this.searchPassagesSync(terms, options);
  }

  /** `searchPassages` without the promise, for benchmarks and evaluation loops. */
  searchPassagesSync(terms: QueryTerm[], options: SearchOptions): Candidate[] {
    const query = passageQueryTerms(terms, (t) => this.df(t), this.sentenceCount);
    if (query.length === 0) return [];
    const packed = this.index();
    const { index, slots } = packed;
    let accept: ((slot: number) => boolean) | undefined;
    if (options.articleIds) {
      const allowed = new Set<number>();
      for (const id of options.articleIds) {
        // Made when first needed (a search within some articles): a start-up at 100k articles saves ~50 ms.
        packed.slotOf ??= new Map(slots.map((r, i) => [r.id, i]));
        const slot = packed.slotOf.get(id);
        if (slot !== undefined) allowed.add(slot);
      }
      accept = (slot) => allowed.has(slot);
    }
    const ids = query.flatMap((t) => {
      const term = this.termIds.get(t.term);
      return term === undefined ? [] : [{ term, weight: t.weight }];
    });
    return searchPacked(index, ids, options.limit, accept).flatMap((hit) => {
      const record = slots[index.passageArticle[hit.passage] as number];
      return record ? [this.candidate(record, index.passageOrdinal[hit.passage] as number, hit.score)] : [];
    });
  }

  private df(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : (this.sentenceDf[id] ?? 0);
  }

  /** Every passage of an article as a candidate with score 0 (evaluation ranks all candidate sentences). */
  allPassages(articleId: string): Candidate[] {
    const record = this.records.get(articleId);
    if (!record) return [];
    return Array.from({ length: record.passages.length / 2 }, (_, n) => this.candidate(record, n, 0));
  }

  private candidate(record: ArticleRecord, n: number, score: number): Candidate {
    const article = this.expand(record);
    const first = record.passages[2 * n] as number;
    const last = record.passages[2 * n + 1] as number;
    return {
      passageId: `${record.id}#${n}`,
      articleId: record.id,
      score,
      sentences: article.sentences.slice(first, last + 1),
      before: article.sentences[first - 1]?.text,
      after: article.sentences[last + 1]?.text,
    };
  }

  titleTerms(articleId: string): ReadonlySet<string> | undefined {
    const r = this.records.get(articleId);
    if (!r) return undefined;
    const terms = new Set<string>();
    for (const id of r.titleTerms) terms.add(this.vocabulary[id] as string);
    return terms;
  }

  /**
   * The terms of an article's sentences as strings, made for the sentences asked for (all by default)
   * and kept with the article's others made so far: a question ranks a passage, a third of an article.
   */
  sentenceTerms(articleId: string, from = 0, to = Number.POSITIVE_INFINITY): readonly (readonly string[])[] {
    const r = this.records.get(articleId);
    if (!r) return [];
    let out = recall(this.termStrings, articleId);
    const end = Math.min(to, r.sentenceCount);
    let k = Math.max(0, from);
    while (k < end && out?.[k]) k++;
    if (k === end && out) return out;
    out ??= remember(this.termStrings, articleId, new Array<string[]>(r.sentenceCount));
    const { termOffsets, terms } = this.termsOf(r, this.termScratch);
    for (let i = k; i < end; i++) {
      if (out[i]) continue;
      const sentence: string[] = [];
      for (let t = termOffsets[i] as number; t < (termOffsets[i + 1] as number); t++) {
        sentence.push(this.vocabulary[terms[t] as number] as string);
      }
      out[i] = sentence;
    }
    return out;
  }

  stats(): CorpusStats {
    const sentenceCount = this.sentenceCount;
    return {
      sentenceCount,
      avgSentenceTerms: sentenceCount ? this.sentenceTermTotal / sentenceCount : 0,
      df: (term) => this.df(term),
    };
  }

  /** Each article's sentence count, in index order, without reading any metadata. */
  sentenceCounts(): Map<string, number> {
    return new Map([...this.records.values()].map((r) => [r.id, r.sentenceCount]));
  }

  listArticles(): ArticleSummary[] {
    this.readAllMeta();
    return [...this.records.values()].map((r) => ({
      id: r.id,
      meta: this.metaOf(r),
      sentenceCount: r.sentenceCount,
    }));
  }

  getArticle(id: string): Article | undefined {
    const record = this.records.get(id);
    return record && this.expand(record);
  }

  /** An article with its text and sentence objects, made from the record (a few hundred are kept). */
  private expand(r: ArticleRecord): Article {
    const cached = recall(this.expanded, r.id);
    if (cached) return cached;
    // Decoded at once: the spans and text are views of reused memory.
    const body = r.body ?? decodeBody(this.bodyBytes(r, this.bodyScratch));
    const { text, spans } = body;
    const paragraphs = Array.from(body.paragraphStarts, (start, i) => {
      const next = body.paragraphStarts[i + 1];
      return text.slice(start, next === undefined ? text.length : next - 2);
    });
    const sentences: Sentence[] = [];
    for (let i = 0; i < r.sentenceCount; i++) {
      const start = spans[3 * i + 1] as number;
      const end = spans[3 * i + 2] as number;
      sentences.push({
        articleId: r.id,
        index: i,
        paragraph: spans[3 * i] as number,
        start,
        end,
        text: text.slice(start, end),
      });
    }
    const engine = this;
    return remember(this.expanded, r.id, {
      id: r.id,
      path: r.path,
      // In hex when asked for (a refresh or a command, never a question).
      get hash() {
        return engine.hashOf(r);
      },
      meta: this.metaOf(r),
      paragraphs,
      text,
      sentences,
    });
  }

  /** Content hash and file of each indexed article, by id: what an incremental refresh compares against. */
  articleHashes(): Map<string, { hash: string; path: string }> {
    return new Map([...this.records.values()].map((r) => [r.id, { hash: this.hashOf(r), path: r.path }]));
  }

  get size(): { articles: number; passages: number; sentences: number } {
    let passages = 0;
    for (const r of this.records.values()) passages += r.passages.length / 2;
    return { articles: this.records.size, passages, sentences: this.sentenceCount };
  }
}

function decodeBody(bytes: { spans: Uint32Array; paragraphStarts: Uint32Array; text: Uint8Array }): Body {
  const { text } = bytes;
  return { ...bytes, text: Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8') };
}

/** Arrays already in memory, read through the same interface as a snapshot file's lazy arrays. */
function inMemory(arrays: Record<string, SnapshotArray>): LazyArrays {
  return {
    has: (name) => name in arrays,
    read(name, from, count) {
      const array = arrays[name];
      if (!array) throw new Error(`snapshot array ${name} is missing`);
      return array.slice(from, from + count);
    },
    readInto(name, from, target) {
      const array = arrays[name];
      if (!array) throw new Error(`snapshot array ${name} is missing`);
      target.set(array.subarray(from, from + target.length));
    },
    view: (name, from, count) => arrays[name]?.subarray(from, from + count),
    verified: Promise.resolve(),
    held: Promise.resolve(),
  };
}

/** Arrays left on disk where `lazy` has them, else those in memory. */
function either(lazy: LazyArrays, memory: LazyArrays): LazyArrays {
  return {
    has: (name) => lazy.has(name) || memory.has(name),
    read: (name, from, count) => (lazy.has(name) ? lazy : memory).read(name, from, count),
    readInto: (name, from, target) => (lazy.has(name) ? lazy : memory).readInto(name, from, target),
    view: (name, from, count) => (lazy.has(name) ? lazy : memory).view(name, from, count),
    verified: lazy.verified,
    held: lazy.held,
  };
}

/** A cached value, marked as the most recently used. */
function recall<V>(cache: Map<string, V>, key: string): V | undefined {
  const value = cache.get(key);
  if (value !== undefined) {
    cache.delete(key);
    cache.set(key, value);
  }
  return value;
}

/** Caches a value, dropping the least recently used one past `EXPANDED_ARTICLES`. */
function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  cache.set(key, value);
  if (cache.size > EXPANDED_ARTICLES) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return value;
}

/** The size of an article's body record: its spans and paragraph offsets, then its text, 4-byte aligned. */
function bodyRecordBytes(words: number, textBytes: number): number {
  return 4 * Math.ceil((4 * words + textBytes) / 4);
}

const spanOf = ([from, to]: [number, number]) => to - from;

/** The parts one after another in one array, pausing every so many parts (`slices.ts`). */
function* concatSteps<T extends Uint8Array | Uint32Array>(parts: T[], type: new (n: number) => T): Steps<T> {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const out = new type(length);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    if (i % (8 * ARTICLES_PER_STEP) === 8 * ARTICLES_PER_STEP - 1) yield;
    const p = parts[i] as T;
    out.set(p, at);
    at += p.length;
  }
  return out;
}
