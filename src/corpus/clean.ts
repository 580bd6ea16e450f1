import type { DroppedLine } from './article.js';

export interface CleanResult {
  paragraphs: string[];
  dropped: DroppedLine[];
}

/** Placeholder until the cleaning rules land: keeps every non-empty line. */
export function cleanText(raw: string): CleanResult {
  const paragraphs = raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return { paragraphs, dropped: [] };
}
