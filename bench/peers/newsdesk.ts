import { answerQuestion, DEFAULT_CONFIDENCE_THRESHOLD } from '../../src/answer/answer.js';
import type { Answer } from '../../src/answer/types.js';
import type { Article } from '../../src/corpus/article.js';
import { BOT_READING, SearchEngine } from '../../src/search/engine.js';
import { readSnapshot, writeSnapshot } from '../../src/search/snapshot.js';
import type { Units } from '../units.js';
import type { Peer, PeerKind } from './peer.js';

/** newsdesk's own engine, through the same calls the bot makes: snapshot, `answerQuestion`. */
export class NewsdeskPeer implements Peer {
  engine: SearchEngine = SearchEngine.create();
  snapshotBytes = 0;
  private base = new Map<string, number>();
  private last: Answer | undefined;
  /** Set for an engine loaded from a snapshot (see `Peer.settled`). */
  settled?: () => Promise<void>;

  build(units: Units): void {
    this.engine = SearchEngine.fromArticles(units.articles);
    this.base = units.base;
  }

  use(engine: SearchEngine): void {
    this.engine = engine;
    let offset = 0;
    // Not `listArticles`: that parses every article's metadata, which the bot does not do at start-up.
    for (const [id, count] of engine.sentenceCounts()) {
      this.base.set(id, offset);
      offset += count;
    }
  }

  async save(dir: string): Promise<void> {
    this.snapshotBytes = (await writeSnapshot(dir, this.engine.toState())).bytes;
  }

  /** As `LiveIndex.refresh` applies changes: a fork made and packed in slices, saved, then swapped in. */
  async refresh(changed: Article[], dir: string): Promise<void> {
    const next = await this.engine.forkWith([], changed);
    await writeSnapshot(dir, await next.toStateSliced());
    this.use(next);
  }

  /** The top-3 answer with no confidence threshold, so that every question is ranked. */
  async answer(question: string): Promise<Answer> {
    this.last = await answerQuestion(this.engine, question, { topK: 3, threshold: 0 });
    return this.last;
  }

  async query(question: string): Promise<number[]> {
    const answer = await this.answer(question);
    const ids: number[] = [];
    for (const r of answer.results) {
      const source =
        r.sources.find((s) => this.engine.getArticle(s.articleId)?.sentences[s.sentence]?.text === r.text) ??
        r.sources[0];
      const base = source && this.base.get(source.articleId);
      if (source && base !== undefined) ids.push(base + source.sentence);
    }
    return ids;
  }

  /** Whether the bot would have said "nothing confident" (the last answer, when it was this question). */
  async refused(question: string): Promise<boolean> {
    const answer = this.last?.question === question ? this.last : await this.answer(question);
    return answer.confidence < DEFAULT_CONFIDENCE_THRESHOLD;
  }
}

export const newsdeskPeer: PeerKind = {
  name: 'newsdesk',
  setup: 'newsdesk: SearchEngine.fromArticles, writeSnapshot/readSnapshot + fromState, answerQuestion topK 3',
  create: () => new NewsdeskPeer(),
  load: async (dir) => {
    const state = await readSnapshot(dir, BOT_READING);
    if (!state) throw new Error(`no snapshot in ${dir}`);
    const peer = new NewsdeskPeer();
    peer.use(SearchEngine.fromState(state));
    peer.settled = async () => {
      await state.lazy?.verified;
      await state.lazy?.held;
    };
    return peer;
  },
};
