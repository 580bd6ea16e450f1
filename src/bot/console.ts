import { createInterface } from 'node:readline/promises';
import type { ApplicationCommandOptionType } from 'discord.js';
import { findCommand } from '../../commands/index.js';
import type { CommandRequest, OptionValue, Services, View } from '../../commands/types.js';
import { isAppError } from '../errors.js';
import { pageOf } from './render.js';

/** Plain-text rendering of a command's view, for the terminal. */
export function viewToText(view: View): string {
  switch (view.kind) {
    case 'notice':
      return [view.title, ...view.lines.map((l) => `  ${plainText(l)}`)].join('\n');
    case 'sources': {
      const shown = view.articles.slice(view.page * view.perPage, (view.page + 1) * view.perPage);
      const lines = shown.map(
        (a) =>
          `  ${a.id}  ${a.meta.title} — ${a.meta.source}${a.meta.published ? `, ${a.meta.published}` : ''} (${a.sentenceCount} sentences)`,
      );
      return [
        `${view.articles.length} ${view.articles.length === 1 ? 'article' : 'articles'}${view.filter ? ` matching "${view.filter}"` : ''}:`,
        ...lines,
      ].join('\n');
    }
    case 'answer': {
      const { answer } = view;
      if (!answer.answered) {
        const lines = [
          answer.reason === 'empty'
            ? 'Ask a question about the news.'
            : "I couldn't find a confident answer to that in the articles I have.",
        ];
        if (answer.closest.length)
          lines.push('Closest articles:', ...answer.closest.map((a) => `  - ${a.title} (${a.source})`));
        return lines.join('\n');
      }
      const results = pageOf(answer, view.page, view.perPage);
      const lines: string[] = [];
      results.forEach((r, i) => {
        lines.push(`${view.page * view.perPage + i + 1}. ${r.text}`);
        for (const s of r.sources) {
          lines.push(`   — ${[s.source, `“${s.title}”`, s.published, s.url].filter(Boolean).join(' · ')}`);
        }
      });
      const more = (view.page + 1) * view.perPage < answer.results.length;
      lines.push(
        `(confidence ${Math.round(answer.confidence * 100)}%${more ? '; /more for more results' : ''}; /context for context)`,
      );
      return lines.join('\n');
    }
  }
}

const HELP = `Type a question, or a command:
  /ask <question>           the same as typing the question
  /more  /context           more results, or the context of the last answer
  /sources [filter]         the articles
  /reindex                  refresh from the article folder
  /add-article <url>        fetch and add an article
  /remove-article <id>      remove an article
  /unanswered               questions that found no answer
  /help  /quit
Options can also be written as in Discord: /ask question:… results:3 source:bbc`;

/**
 * The local chat: the bot's commands in a terminal, for running without a Discord token. The person at
 * the terminal runs the program, so they are a moderator.
 */
export async function runConsole(
  services: Services,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } = {
    input: process.stdin,
    output: process.stdout,
  },
): Promise<void> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  const write = (text: string) => io.output.write(`${text}\n`);
  let last: Extract<View, { kind: 'answer' }> | undefined;
  const articles = services.index.engine.listArticles().length;
  write(`newsdesk local chat — ${articles} articles. Ask a question, or /help. (No DISCORD_TOKEN set.)`);
  for await (const line of rl) {
    const text = line.trim();
    if (!text) continue;
    if (text === '/quit' || text === '/exit') break;
    if (text === '/help') {
      write(HELP);
      continue;
    }
    if (text === '/more' || text === '/context') {
      if (!last) write('Ask a question first.');
      else if (text === '/more') {
        last = {
          ...last,
          page: (last.page + 1) * last.perPage < last.answer.results.length ? last.page + 1 : last.page,
        };
        write(viewToText(last));
      } else {
        for (const r of pageOf(last.answer, last.page, last.perPage)) {
          write(
            [
              r.context.before ?? '(start of article)',
              `>> ${r.text}`,
              r.context.after ?? '(end of article)',
              '',
            ].join('\n'),
          );
        }
      }
      continue;
    }
    const [name, rest] = text.startsWith('/') ? splitCommand(text.slice(1)) : ['ask', text];
    const command = findCommand(name);
    if (!command) {
      write(`Unknown command /${name}. Type /help.`);
      continue;
    }
    const options = consoleOptions(command.data.options ?? [], rest);
    const request: CommandRequest = {
      user: { id: 'console', name: 'console' },
      guildId: null,
      channelId: null,
      isModerator: true,
      options,
      log: services.log.child({ request: 'console', command: name }),
    };
    try {
      const view = await command.run(request, services);
      if (view.kind === 'answer') last = view;
      write(viewToText(view));
    } catch (err) {
      write(isAppError(err) ? err.message : 'Something went wrong; the log has the details.');
      if (!isAppError(err)) services.log.error({ err }, 'console command failed');
    }
  }
  rl.close();
}

/**
 * A command's options from what follows its name in the terminal: Discord's `name:value` form when it
 * starts with one of the command's option names (`question:Who won? results:3 private:true`, as typed
 * in Discord), else all of it as the first text option (`/ask Who won?`). A number or true/false option
 * is taken only where a value of its kind follows (`results:3`), so a question that says "results:"
 * keeps its words.
 */
export function consoleOptions(
  declared: readonly { name: string; type: number }[],
  rest: string,
): Record<string, OptionValue> {
  const typed = declared.filter((o) => o.type in READERS);
  const options: Record<string, OptionValue> = {};
  if (!rest) return options;
  const found = [...rest.matchAll(/(?:^|\s)([-\p{L}\p{N}_]+):/gu)].flatMap((m) => {
    const option = typed.find((o) => o.name === m[1]);
    const from = (m.index ?? 0) + m[0].length;
    const token = /^\S*/.exec(rest.slice(from))?.[0] ?? '';
    const value = option && READERS[option.type]?.(token);
    return option && value !== undefined ? [{ option, at: m.index ?? 0, from, value }] : [];
  });
  if (found[0]?.at !== 0) {
    const first = typed.find((o) => o.type === STRING)?.name;
    if (first) options[first] = rest;
    return options;
  }
  found.forEach(({ option, from, value }, i) => {
    const text = rest.slice(from, found[i + 1]?.at ?? rest.length).trim();
    if (option.type === STRING) {
      if (text) options[option.name] = text;
    } else options[option.name] = value;
  });
  return options;
}

/** Discord's option types the console reads from text, by number (typed against discord.js's enum). */
const STRING: ApplicationCommandOptionType.String = 3;
const INTEGER: ApplicationCommandOptionType.Integer = 4;
const BOOLEAN: ApplicationCommandOptionType.Boolean = 5;
const NUMBER: ApplicationCommandOptionType.Number = 10;
const READERS: Record<number, (token: string) => OptionValue | undefined> = {
  [STRING]: (token) => token,
  [INTEGER]: (token) => (/^-?\d+$/.test(token) ? Number(token) : undefined),
  [BOOLEAN]: (token) => (/^(true|false)$/i.test(token) ? token.toLowerCase() === 'true' : undefined),
  [NUMBER]: (token) => (/^-?\d+(\.\d+)?$/.test(token) ? Number(token) : undefined),
};

function splitCommand(text: string): [string, string] {
  const space = text.search(/\s/);
  return space < 0 ? [text, ''] : [text.slice(0, space), text.slice(space + 1).trim()];
}

/** A notice line as plain text: Discord's bold and code marks dropped, escapes undone, mention guards removed. */
function plainText(line: string): string {
  return line
    .replace(/\*\*|`/g, '')
    .replace(/\\([\\*_~`|>#[\]()<:-])/g, '$1')
    .replace(/\u200b/g, '');
}
