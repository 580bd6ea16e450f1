import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Index } from 'flexsearch';
import type { Units } from '../units.js';
import type { Peer, PeerKind } from './peer.js';

const FILE = 'flexsearch.json';

class FlexSearchPeer implements Peer {
  constructor(private readonly index = new Index()) {}

  build(units: Units): void {
    units.sentences.forEach((text, id) => {
      this.index.add(id, text);
    });
  }

  async save(dir: string): Promise<void> {
    const parts: [string, string][] = [];
    await this.index.export((key: string, data: string) => {
      parts.push([key, data]);
    });
    await writeFile(path.join(dir, FILE), JSON.stringify(parts));
  }

  query(question: string): number[] {
    // suggest: a question's words are never all in one sentence, and without it FlexSearch ANDs them.
    return (this.index.search(question, { limit: 3, suggest: true }) as number[]).slice(0, 3);
  }
}

export const flexSearchPeer: PeerKind = {
  name: 'flexsearch',
  setup: 'FlexSearch 0.8 Index over sentences, default options, search with { limit: 3, suggest: true }',
  create: () => new FlexSearchPeer(),
  load: async (dir) => {
    const index = new Index();
    const parts = JSON.parse(await readFile(path.join(dir, FILE), 'utf8')) as [string, string][];
    for (const [key, data] of parts) index.import(key, data);
    return new FlexSearchPeer(index);
  },
};
