import { SlashCommandBuilder } from 'discord.js';
import type { Command } from './types.js';

export const SOURCES_PER_PAGE = 10;

const data = new SlashCommandBuilder()
  .setName('sources')
  .setDescription('List the articles the bot knows')
  .addStringOption((o) =>
    o.setName('filter').setDescription('Only titles or publishers containing this').setMaxLength(100),
  )
  .toJSON();

export const sources: Command = {
  data,
  moderatorOnly: false,
  async run(request, services) {
    const filter = typeof request.options.filter === 'string' ? request.options.filter.trim() : undefined;
    const needle = filter?.toLowerCase();
    const articles = services.index.engine
      .listArticles()
      .filter((a) => !needle || `${a.meta.title} ${a.meta.source}`.toLowerCase().includes(needle))
      .sort(
        (a, b) =>
          (b.meta.published ?? '').localeCompare(a.meta.published ?? '') ||
          a.meta.title.localeCompare(b.meta.title),
      );
    return {
      kind: 'sources',
      articles,
      filter: filter || undefined,
      page: 0,
      perPage: SOURCES_PER_PAGE,
      private: false,
    };
  },
};
