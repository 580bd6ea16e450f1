import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { escapeText } from '../src/bot/render.js';
import { removeArticleFile } from '../src/corpus/save.js';
import { sourceChoices } from './sources-option.js';
import { type Command, notice } from './types.js';

const data = new SlashCommandBuilder()
  .setName('remove-article')
  .setDescription('Remove an article from the corpus (moderators)')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addStringOption((o) =>
    o.setName('article').setDescription('The article').setRequired(true).setAutocomplete(true),
  )
  .toJSON();

export const removeArticle: Command = {
  data,
  moderatorOnly: true,
  privateByDefault: true,
  async run(request, services) {
    const id = String(request.options.article ?? '').trim();
    const article = services.index.engine.getArticle(id);
    if (!article)
      return notice('warning', 'No such article', [
        'Pick the article from the list that appears as you type.',
      ]);
    await removeArticleFile(services.config.CORPUS_DIR, id);
    const summary = await services.index.refresh();
    request.log.info({ articleId: id, removed: summary.removed }, 'article removed');
    return notice('success', 'Article removed', [
      `**${escapeText(article.meta.title)}** — ${escapeText(article.meta.source)}`,
      `${summary.articles} articles remain.`,
    ]);
  },
  autocomplete(_request, focused, services) {
    return sourceChoices(services.index.engine.listArticles(), focused.value, false);
  },
};
