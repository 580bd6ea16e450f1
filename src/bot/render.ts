import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import type { View } from '../../commands/types.js';
import type { Answer, AnswerResult, ResultSource } from '../answer/types.js';

/** Discord's limits on what a message may hold. */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldValue: 1024,
  footer: 2048,
  embedTotal: 6000,
  customId: 100,
  buttonLabel: 80,
} as const;

/** A message payload for discord.js: always with `allowedMentions: { parse: [] }`. */
export interface MessagePayload {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  allowedMentions: { parse: []; repliedUser?: boolean };
}

const COLORS = {
  info: 0x5865f2,
  success: 0x57f287,
  warning: 0xfee75c,
  error: 0xed4245,
  answer: 0x2b82d9,
} as const;

/**
 * Shortens text to `max` characters on a word boundary, with an ellipsis.
 *
 * @example shorten('The quick brown fox', 12) === 'The quick…'
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max - 1));
  const space = cut.search(/\s\S*$/);
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** A URL as Discord links it (after white space, up to the next); glued to text, it is escaped like text. */
const URL_PATTERN = /(?<=^|\s)https?:\/\/\S+/g;

/**
 * Escapes Discord Markdown and neutralises mentions in text we quote, so it renders as written: every
 * inline mark (`* _ ~ \` |`), brackets (a masked link `[Read more](https://…)` in a fetched page would
 * show as a link to anywhere), and headings, lists, block quotes and `-#` subtext at a line's start.
 * URLs are left whole, so they stay links (Discord formats nothing inside a URL). discord.js's own
 * `escapeMarkdown` is not used: it leaves some marks unescaped after other syntax (`<a:x:1>__x__`).
 *
 * @example escapeText('**Rates** @everyone') === '\\*\\*Rates\\*\\* @\u200beveryone'
 */
export function escapeText(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    out += escapePlain(text.slice(last, match.index));
    out += match[0];
    last = match.index + match[0].length;
  }
  // Mentions are neutralised everywhere, inside URLs too: a link may break, a ping may not happen.
  return (out + escapePlain(text.slice(last)))
    .replace(/@/g, '@\u200b')
    .replace(/<(?=[@#:&!/]|a:|t:)/g, '<\u200b');
}

function escapePlain(text: string): string {
  return text
    .replace(/[\\*_~`|[\]]/g, '\\$&')
    .replace(/^([ \t]*)(#{1,3} |-# |> |>>> |- |\+ )/gm, '$1\\$2')
    .replace(/^([ \t]*\d+)\. /gm, '$1\\. ');
}

/** The sentence with its matched words in bold, escaped. */
export function boldMatches(result: Pick<AnswerResult, 'text' | 'highlights'>): string {
  let out = '';
  let at = 0;
  for (const [start, end] of [...result.highlights].sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    out += `${escapeText(result.text.slice(at, start))}**${escapeText(result.text.slice(start, end))}**`;
    at = end;
  }
  return (out + escapeText(result.text.slice(at))).replace(/\*\*\*\*/g, '');
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A link to the article that scrolls to the sentence (a text fragment, `#:~:text=start,end`), where
 * the article has a URL.
 */
export function sentenceLink(url: string, sentence: string): string {
  // encodeURIComponent throws on a lone surrogate, which a page's numeric character reference can leave.
  const words = sentence.replace(LONE_SURROGATE, '\ufffd').split(/\s+/).filter(Boolean);
  const enc = (s: string) => encodeURIComponent(s).replace(/-/g, '%2D').replace(/,/g, '%2C');
  const fragment =
    words.length <= 8
      ? enc(words.join(' '))
      : `${enc(words.slice(0, 4).join(' '))},${enc(words.slice(-4).join(' '))}`;
  return `${safeUrl(url)}#:~:text=${fragment}`;
}

/**
 * The URL as it can stand inside a Markdown link: parsed, without its fragment, and with the characters
 * that would end the link or start a mention encoded. An article's URL comes from its front-matter or
 * from the fetched page's own metadata, so a page could otherwise close the link and add text of its own.
 */
function safeUrl(url: string): string {
  let href: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return '';
    parsed.hash = '';
    href = parsed.href;
  } catch {
    return '';
  }
  return href.replace(
    /[()[\]<>@*_~`|\\ ]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** One source line: publisher, title, date, link. */
export function sourceLine(source: ResultSource, sentence: string): string {
  const parts = [`**${escapeText(source.source)}**`, `*${escapeText(shorten(source.title, 120))}*`];
  if (source.published) parts.push(source.published);
  const link = source.url ? sentenceLink(source.url, sentence) : '';
  if (link.startsWith('http')) parts.push(`[link](${link})`);
  return `— ${parts.join(' · ')}`;
}

/** Custom ids of an answer's buttons: `a:<key>:<action>[:<arg>]`, within 100 characters. */
export const answerButtonId = (key: string, action: 'more' | 'ctx' | 'up' | 'down', arg?: number) =>
  `a:${key}:${action}${arg === undefined ? '' : `:${arg}`}`;

function button(
  customId: string,
  label: string,
  style: ButtonStyle = ButtonStyle.Secondary,
  emoji?: string,
): APIButtonComponent {
  return {
    type: ComponentType.Button,
    custom_id: customId.slice(0, LIMITS.customId),
    label: label.slice(0, LIMITS.buttonLabel),
    style,
    ...(emoji ? { emoji: { name: emoji } } : {}),
  } as APIButtonComponent;
}

/** The results of an answer on one page. */
export function pageOf(answer: Answer, page: number, perPage: number): AnswerResult[] {
  return answer.results.slice(page * perPage, page * perPage + perPage);
}

function renderAnswer(view: Extract<View, { kind: 'answer' }>, key: string | undefined): MessagePayload {
  const { answer, page, perPage } = view;
  const question = escapeText(shorten(answer.question.replace(/\s+/g, ' '), 200));
  if (!answer.answered) {
    const lines = [
      answer.reason === 'empty'
        ? 'Ask me a question about the news, for example: *How long do the diplomats have to leave Russia?*'
        : answer.reason === 'empty-corpus'
          ? 'I have no articles yet: a moderator can add some with `/add-article`.'
          : "I couldn't find a confident answer to that in the articles I have.",
    ];
    if (answer.closest.length) {
      lines.push('', '**Closest articles:**');
      for (const a of answer.closest)
        lines.push(`• ${escapeText(shorten(a.title, 150))} — ${escapeText(a.source)}`);
    }
    return {
      embeds: [
        {
          title: shorten(`Q: ${question}`, LIMITS.embedTitle),
          description: lines.join('\n'),
          color: COLORS.warning,
        },
      ],
      components: [],
      allowedMentions: { parse: [] },
    };
  }
  const results = pageOf(answer, page, perPage);
  const budget = Math.floor((LIMITS.embedDescription - 100) / Math.max(1, results.length));
  const blocks = results.map((r, i) => {
    const n = page * perPage + i + 1;
    const sources = r.sources.slice(0, 4).map((s) => sourceLine(s, r.text));
    if (r.sources.length > 4) sources.push(`— and ${r.sources.length - 4} more sources`);
    const sourceText = sources.join('\n');
    const quote = shorten(boldMatches(r), Math.max(200, budget - sourceText.length - 12));
    return `> **${n}.** ${quote}\n${sourceText}`;
  });
  const description = shorten(blocks.join('\n\n'), LIMITS.embedDescription);
  const total = answer.results.length;
  const embed: APIEmbed = {
    title: shorten(`Q: ${question}`, LIMITS.embedTitle),
    description,
    color: COLORS.answer,
    footer: {
      text: `Confidence ${Math.round(answer.confidence * 100)}% · results ${page * perPage + 1}–${page * perPage + results.length} of ${total}`,
    },
  };
  const components: MessagePayload['components'] = [];
  if (key) {
    const hasMore = (page + 1) * perPage < total;
    const row: APIButtonComponent[] = [];
    if (hasMore) row.push(button(answerButtonId(key, 'more', page + 1), 'More results', ButtonStyle.Primary));
    row.push(button(answerButtonId(key, 'ctx', page), 'Context'));
    row.push(button(answerButtonId(key, 'up'), 'Helpful', ButtonStyle.Secondary, '👍'));
    row.push(button(answerButtonId(key, 'down'), 'Not helpful', ButtonStyle.Secondary, '👎'));
    components.push({ type: ComponentType.ActionRow, components: row });
  }
  return { embeds: [embed], components, allowedMentions: { parse: [] } };
}

/** The context of a page's results: each sentence with the one before and after it. */
export function renderContext(answer: Answer, page: number, perPage: number): MessagePayload {
  const results = pageOf(answer, page, perPage);
  const fields = results.map((r, i) => {
    const parts = [
      r.context.before ? escapeText(r.context.before) : '*(start of article)*',
      `**${escapeText(r.text)}**`,
      r.context.after ? escapeText(r.context.after) : '*(end of article)*',
    ];
    return {
      name: shorten(
        `${page * perPage + i + 1}. ${escapeText(r.sources[0]?.source ?? '')} — ${escapeText(r.sources[0]?.title ?? '')}`,
        256,
      ),
      value: shorten(parts.join('\n'), LIMITS.fieldValue),
    };
  });
  return {
    embeds: [
      {
        title: 'Context',
        color: COLORS.info,
        fields: fields.length ? fields : [{ name: 'Context', value: 'No context.' }],
      },
    ],
    components: [],
    allowedMentions: { parse: [] },
  };
}

function renderSources(view: Extract<View, { kind: 'sources' }>): MessagePayload {
  const { articles, page, perPage, filter } = view;
  const pages = Math.max(1, Math.ceil(articles.length / perPage));
  const shown = articles.slice(page * perPage, (page + 1) * perPage);
  const lines = shown.map(
    (a) =>
      `• **${escapeText(shorten(a.meta.title, 150))}** — ${escapeText(a.meta.source)}${a.meta.published ? `, ${a.meta.published}` : ''} · ${a.sentenceCount} sentences`,
  );
  const embed: APIEmbed = {
    title: filter ? shorten(`Articles matching “${escapeText(filter)}”`, LIMITS.embedTitle) : 'Articles',
    description: shorten(lines.join('\n') || 'No article matches.', LIMITS.embedDescription),
    color: COLORS.info,
    footer: { text: `${articles.length} articles · page ${page + 1} of ${pages}` },
  };
  const components: MessagePayload['components'] = [];
  if (pages > 1) {
    const f = (filter ?? '').slice(0, 60);
    const row: APIButtonComponent[] = [];
    if (page > 0) row.push(button(`s:${page - 1}:${f}`, 'Previous'));
    if (page + 1 < pages) row.push(button(`s:${page + 1}:${f}`, 'Next', ButtonStyle.Primary));
    components.push({ type: ComponentType.ActionRow, components: row });
  }
  return { embeds: [embed], components, allowedMentions: { parse: [] } };
}

/**
 * Renders a command's view as a Discord message within Discord's limits. `key` names the cached
 * answer its buttons refer to (no buttons without one).
 */
export function renderView(view: View, key?: string): MessagePayload {
  switch (view.kind) {
    case 'answer':
      return renderAnswer(view, key);
    case 'sources':
      return renderSources(view);
    case 'notice':
      return {
        embeds: [
          {
            title: shorten(view.title, LIMITS.embedTitle),
            description: shorten(view.lines.join('\n') || '\u200b', LIMITS.embedDescription),
            color: COLORS[view.tone],
          },
        ],
        components: [],
        allowedMentions: { parse: [] },
      };
  }
}

/** A short error reply: what went wrong in words, and the id that finds it in the log. */
export function renderError(message: string, errorId?: string): MessagePayload {
  const suffix = errorId ? ` (error id \`${errorId}\`)` : '';
  const text = shorten(escapeText(message), LIMITS.embedDescription - suffix.length) + suffix;
  return {
    embeds: [{ description: text, color: COLORS.error }],
    components: [],
    allowedMentions: { parse: [] },
  };
}
