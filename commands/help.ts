import { SlashCommandBuilder } from 'discord.js';
import { type Command, notice } from './types.js';

const data = new SlashCommandBuilder()
  .setName('help')
  .setDescription('What the bot knows and how to ask')
  .toJSON();

export const help: Command = {
  data,
  moderatorOnly: false,
  privateByDefault: true,
  async run(_request, services) {
    const articles = services.index.engine.listArticles();
    const newest = articles
      .map((a) => a.meta.published)
      .filter((d): d is string => Boolean(d))
      .sort()
      .at(-1);
    const publishers = new Set(articles.map((a) => a.meta.source)).size;
    return notice('info', 'How to ask', [
      `I know ${articles.length} news articles from ${publishers} publishers${newest ? `, the newest from ${newest}` : ''}.`,
      'Ask with `/ask question:…`, or mention me with your question. I answer with the sentences of the articles that match best, and name their sources.',
      'Tips: ask one thing at a time and use the names in the news ("How long do the diplomats have to leave Russia?"). Use `source:` to search one publisher or article, and `/sources` to see them all.',
      'When the articles hold no answer, I say so rather than guess.',
    ]);
  },
};
