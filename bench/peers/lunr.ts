import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import lunr from 'lunr';
import type { Units } from '../units.js';
import type { Peer, PeerKind } from './peer.js';

const FILE = 'lunr.json';

class LunrPeer implements Peer {
  constructor(private index?: lunr.Index) {}

  build(units: Units): void {
    this.index = lunr(function () {
      this.ref('id');
      this.field('text');
      units.sentences.forEach((text, id) => {
        this.add({ id: String(id), text });
      });
    });
  }

  async save(dir: string): Promise<void> {
    await writeFile(path.join(dir, FILE), JSON.stringify(this.index));
  }

  query(question: string): number[] {
    // Terms through lunr's own pipeline (stop words, stemmer), OR-ed; not its query syntax, which
    // throws on a question's ':' or '-'.
    const tokens = lunr.tokenizer(question);
    return (
      this.index
        ?.query((q) => {
          for (const token of tokens) q.term(token.toString(), {});
        })
        .slice(0, 3)
        .map((r) => Number(r.ref)) ?? []
    );
  }
}

export const lunrPeer: PeerKind = {
  name: 'lunr',
  setup: 'lunr 2 over sentences, its default pipeline (stop words, Porter stemmer), question terms OR-ed',
  create: () => new LunrPeer(),
  load: async (dir) =>
    new LunrPeer(lunr.Index.load(JSON.parse(await readFile(path.join(dir, FILE), 'utf8')))),
  limit: { sentences: 600_000, reason: 'lunr builds too slowly and too big past ~600k sentences' },
};
