import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { View } from '../../commands/types.js';
import type { Answer, AnswerResult, ResultSource } from '../../src/answer/types.js';
import {
  escapeText,
  type MessagePayload,
  renderContext,
  renderError,
  renderView,
} from '../../src/bot/render.js';
import { checkMessageBody } from '../support/discord/limits.js';
import { check, hostileQuestion, hostileText, RUNS } from '../support/hostile.js';

const text = (max = 30) => hostileText(max);

const source: fc.Arbitrary<ResultSource> = fc.record({
  articleId: fc.stringMatching(/^[a-z0-9-]{1,60}$/),
  title: text(20),
  source: text(5),
  url: fc.option(fc.oneof(fc.webUrl(), fc.constant('https://example.org/a)b(c[d]e<@1>')), { nil: null }),
  published: fc.option(fc.constant('2025-02-06'), { nil: null }),
  paragraph: fc.nat(500),
  sentence: fc.nat(5000),
});

const result: fc.Arbitrary<AnswerResult> = fc
  .record({
    text: text(40),
    before: fc.option(text(30), { nil: null }),
    after: fc.option(text(30), { nil: null }),
    score: fc.double({ min: 0, max: 100, noNaN: true }),
    sources: fc.array(source, { minLength: 1, maxLength: 8 }),
    cuts: fc.array(fc.nat(), { maxLength: 12 }),
  })
  .map(({ text, before, after, score, sources, cuts }) => {
    // Highlights as the answer layer gives them: ordered, non-overlapping ranges inside the text.
    const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
    const highlights: [number, number][] = [];
    for (let i = 0; i + 1 < points.length; i += 2) highlights.push([points[i]!, points[i + 1]!]);
    return {
      text,
      context: { before, after },
      score,
      matched: highlights.map(([s, e]) => text.slice(s, e)),
      highlights,
      sources,
    };
  });

const answer: fc.Arbitrary<Answer> = fc.record({
  question: hostileQuestion(),
  answered: fc.boolean(),
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  answerType: fc.constantFrom('person', 'number', 'date', 'duration', 'place', 'other') as fc.Arbitrary<
    Answer['answerType']
  >,
  reason: fc.constantFrom(undefined, 'empty', 'no-terms', 'no-match', 'low-confidence', 'empty-corpus'),
  results: fc.array(result, { maxLength: 15 }),
  closest: fc.array(fc.record({ articleId: fc.string(), title: text(20), source: text(5) }), {
    maxLength: 3,
  }),
});

/** Every string of a payload, with its place: where a ping or an unescaped mention would show. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** The checks every payload the bot sends must pass. */
function checkPayload(payload: MessagePayload): void {
  const errors = checkMessageBody(payload);
  check(errors.length === 0, () => `Discord would refuse it: ${JSON.stringify(errors)}`);
  check(payload.allowedMentions.parse.length === 0, () => 'allowedMentions.parse is not empty');
  for (const s of strings({ content: payload.content, embeds: payload.embeds })) {
    check(!/@(?:everyone|here)/.test(s), () => `a mass ping survives in ${JSON.stringify(s)}`);
    check(!/<(?:@[!&]?|#)\d/.test(s), () => `a mention survives in ${JSON.stringify(s)}`);
  }
}

describe('renderView on arbitrary answers', () => {
  it('stays within Discord’s limits and pings nobody, on every page, with and without buttons', () => {
    fc.assert(
      fc.property(
        answer,
        fc.integer({ min: 1, max: 5 }),
        fc.nat(4),
        fc.boolean(),
        (a, perPage, page, keyed) => {
          const answered = { ...a, answered: a.results.length > 0 && a.answered };
          const view: View = { kind: 'answer', answer: answered, perPage, page, private: false };
          checkPayload(renderView(view, keyed ? `${'9'.repeat(19)}` : undefined));
          checkPayload(renderContext(answered, page, perPage));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('renders /sources and notices of hostile titles within the limits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: text(20), source: text(5) }), { maxLength: 60 }),
        text(10),
        (rows, filter) => {
          const articles = rows.map((r, i) => ({ id: `a${i}`, meta: r, sentenceCount: i }));
          checkPayload(
            renderView({ kind: 'sources', articles, filter, page: 0, perPage: 10, private: false }),
          );
          // A notice's title and lines are Markdown the commands wrote: only the limits apply.
          const notice = renderView({
            kind: 'notice',
            tone: 'info',
            title: filter,
            lines: rows.map((r) => r.title),
            private: true,
          });
          check(checkMessageBody(notice).length === 0, () => 'a notice breaks the limits');
          checkPayload(renderError(filter, 'abcd1234'));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('escapeText', () => {
  /** Markdown that would format or link in Discord, outside a backslash escape. */
  function unescapedMarkdown(s: string): string | undefined {
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === '\\') {
        i++;
        continue;
      }
      // Discord links a URL up to the next space, so "*" or "_" inside it formats nothing (and
      // escapeMarkdown leaves URLs whole so the link keeps working).
      const url = /^https?:\/\/\S+/.exec(s.slice(i));
      if (url && (i === 0 || /\s/.test(s[i - 1]!))) {
        i += url[0].length - 1;
        continue;
      }
      // Single "|" and "~" format nothing: spoilers and strike-through take two.
      if ('*_`'.includes(c) || ('|~'.includes(c) && s[i + 1] === c)) return `${c} at ${i}`;
      if (c === '[' && /^\[[^\]]*\]\(/.test(s.slice(i))) return `masked link at ${i}`;
      const lineStart = i === 0 || s[i - 1] === '\n';
      if (lineStart && /^(?:#{1,3} |> |[-*] |\d+\. )/.test(s.slice(i))) return `block syntax at ${i}`;
    }
    return undefined;
  }

  it('escapes every Markdown character and neutralises every mention of arbitrary text', () => {
    fc.assert(
      fc.property(text(30), (t) => {
        const escaped = escapeText(t);
        const problem = unescapedMarkdown(escaped);
        check(problem === undefined, () => `${problem} in ${JSON.stringify(escaped)}`);
        check(!/@(?:everyone|here)|<(?:@[!&]?|#)\d/.test(escaped), () => `mention in ${escaped}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('does not turn article text into a masked link or a heading', () => {
    expect(escapeText('[Read more](https://phish.example/login)')).not.toMatch(/^\[Read more\]\(/);
    expect(escapeText('# Breaking')).not.toMatch(/^# /);
  });
});
