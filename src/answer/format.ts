import type { Answer } from './types.js';

/**
 * The JSON shape of an answer that `ask --json` prints and scripts rely on: exactly
 * `{ question, answered, confidence, results: [{ text, context: { before, after }, score, matched,
 * sources: [{ articleId, title, source, url, published, paragraph }] }] }`.
 */
export function answerToJson(answer: Answer) {
  return {
    question: answer.question,
    answered: answer.answered,
    confidence: answer.confidence,
    results: answer.results.map((r) => ({
      text: r.text,
      context: { before: r.context.before, after: r.context.after },
      score: r.score,
      matched: r.matched,
      sources: r.sources.map((s) => ({
        articleId: s.articleId,
        title: s.title,
        source: s.source,
        url: s.url,
        published: s.published,
        paragraph: s.paragraph,
      })),
    })),
  };
}

/** A plain-text rendering of an answer for a terminal. */
export function answerToText(answer: Answer): string {
  const lines: string[] = [];
  if (!answer.answered) {
    lines.push(
      answer.reason === 'empty'
        ? 'Ask a question about the news articles, e.g. "Who was expelled?"'
        : answer.reason === 'empty-corpus'
          ? 'The corpus holds no article yet.'
          : 'I found nothing confident in the articles for that question.',
    );
    if (answer.closest.length) {
      lines.push('Closest articles:');
      for (const a of answer.closest) lines.push(`  - ${a.title} (${a.source})`);
    }
    return lines.join('\n');
  }
  answer.results.forEach((r, i) => {
    lines.push(`${i + 1}. ${r.text}`);
    for (const s of r.sources) {
      const parts = [s.source, `“${s.title}”`, s.published, s.url, `paragraph ${s.paragraph}`].filter(
        Boolean,
      );
      lines.push(`   — ${parts.join(', ')}`);
    }
  });
  lines.push(`(confidence ${answer.confidence.toFixed(2)})`);
  return lines.join('\n');
}
