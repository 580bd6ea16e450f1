import type { ArticleSummary } from '../src/search/store.js';
import type { Choice } from './types.js';

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/**
 * Autocomplete choices for a "source" option: publishers first (value `publisher:<name>`), then article
 * titles (value = article id), matching what has been typed; at most 25, names within 100 characters.
 */
export function sourceChoices(articles: ArticleSummary[], typed: string, includePublishers = true): Choice[] {
  const needle = typed.trim().toLowerCase();
  const choices: Choice[] = [];
  if (includePublishers) {
    const publishers = [...new Set(articles.map((a) => a.meta.source))].sort();
    for (const p of publishers) {
      if (p.toLowerCase().includes(needle))
        choices.push({ name: clip(`Publisher: ${p}`, 100), value: clip(`publisher:${p}`, 100) });
    }
  }
  for (const a of articles) {
    const label = `${a.meta.title} (${a.meta.source})`;
    if (!needle || label.toLowerCase().includes(needle) || a.id.includes(needle)) {
      choices.push({ name: clip(label, 100), value: a.id });
    }
  }
  return choices.slice(0, 25);
}

/**
 * The articles a "source" option means: an article id, `publisher:<name>`, or a publisher name or title
 * typed by hand (case-insensitive). An empty set means nothing matched.
 */
export function resolveSource(articles: ArticleSummary[], value: string): Set<string> {
  const v = value.trim();
  const byId = articles.find((a) => a.id === v);
  if (byId) return new Set([byId.id]);
  const name = (v.startsWith('publisher:') ? v.slice('publisher:'.length) : v).toLowerCase();
  const ofPublisher = articles.filter((a) => a.meta.source.toLowerCase() === name);
  if (ofPublisher.length) return new Set(ofPublisher.map((a) => a.id));
  return new Set(articles.filter((a) => a.meta.title.toLowerCase() === name).map((a) => a.id));
}
