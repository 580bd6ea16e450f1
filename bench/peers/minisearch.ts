import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import MiniSearch from 'minisearch';
import type { Units } from '../units.js';
import type { Peer, PeerKind } from './peer.js';

const FILE = 'minisearch.json';
const OPTIONS = { fields: ['text'] };

class MiniSearchPeer implements Peer {
  constructor(private mini = new MiniSearch<{ id: number; text: string }>(OPTIONS)) {}

  build(units: Units): void {
    this.mini.addAll(units.sentences.map((text, id) => ({ id, text })));
  }

  async save(dir: string): Promise<void> {
    await writeFile(path.join(dir, FILE), JSON.stringify(this.mini));
  }

  query(question: string): number[] {
    return this.mini
      .search(question)
      .slice(0, 3)
      .map((r) => r.id as number);
  }
}

export const miniSearchDefault: PeerKind = {
  name: 'minisearch default',
  setup: "MiniSearch 7 over sentences, default options ({ fields: ['text'] }: its tokenizer, OR, BM25)",
  create: () => new MiniSearchPeer(),
  load: async (dir) =>
    new MiniSearchPeer(MiniSearch.loadJSON(await readFile(path.join(dir, FILE), 'utf8'), OPTIONS)),
};
