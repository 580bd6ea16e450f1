import path from 'node:path';
import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { escapeText } from '../src/bot/render.js';
import { articleFromFetched } from '../src/corpus/extract.js';
import { fetchPage } from '../src/corpus/fetch.js';
import { saveArticleFile } from '../src/corpus/save.js';
import { type Command, notice } from './types.js';

const data = new SlashCommandBuilder()
  .setName('add-article')
  .setDescription('Add a news article from a web address or a file (moderators)')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addStringOption((o) =>
    o.setName('url').setDescription('https:// address of the article').setMaxLength(2000),
  )
  .addAttachmentOption((o) => o.setName('file').setDescription('An article file: .txt, .md or .html'))
  .toJSON();

/** What an attachment is, by its file name, when the file host only says `application/octet-stream`. */
const FILE_TYPES: Record<string, string> = {
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.markdown': 'text/markdown; charset=utf-8',
  '.html': 'text/html',
  '.htm': 'text/html',
};

export const addArticle: Command = {
  data,
  moderatorOnly: true,
  privateByDefault: true,
  async run(request, services) {
    const { url, file } = request.options;
    const target =
      typeof url === 'string' && url.trim() ? url.trim() : typeof file === 'object' ? file.url : undefined;
    if (!target || (typeof url === 'string' && url.trim() && typeof file === 'object')) {
      return notice('warning', 'Give one article', [
        'Give either `url` (an https:// address) or `file` (an attachment), not both.',
      ]);
    }
    const { config } = services;
    let typeHint: string | undefined;
    if (typeof file === 'object') {
      typeHint = FILE_TYPES[path.extname(file.name).toLowerCase()];
      if (!typeHint) {
        return notice('warning', 'Not an article file', [
          `${escapeText(file.name)} is not a .txt, .md or .html file.`,
        ]);
      }
    }
    const page = await fetchPage(target, {
      timeoutMs: config.FETCH_TIMEOUT_MS,
      maxBytes: Math.min(config.FETCH_MAX_BYTES, config.MAX_ARTICLE_BYTES),
      allowPrivate: config.FETCH_ALLOW_PRIVATE,
      typeHint,
    });
    const extracted = articleFromFetched(page);
    if (typeof file === 'object') {
      // An attachment's CDN address says nothing about where the article was published.
      extracted.meta.url = undefined;
      if (extracted.meta.source === new URL(file.url).hostname.replace(/^www\./, ''))
        extracted.meta.source = 'unknown';
    }
    const saved = await saveArticleFile(config.CORPUS_DIR, extracted);
    const summary = await services.index.refresh();
    const article = services.index.engine.getArticle(saved.id);
    request.log.info(
      { articleId: saved.id, existed: saved.existed, added: summary.added.length },
      'article added',
    );
    if (!article) {
      const problem = summary.problems.find((p) => p.path === saved.path);
      return notice('error', 'The article could not be indexed', [
        problem?.message ?? 'It was saved but holds no usable text.',
      ]);
    }
    return notice(
      saved.existed ? 'info' : 'success',
      saved.existed ? 'Already in the corpus' : 'Article added',
      [
        `**${escapeText(article.meta.title)}** — ${escapeText(article.meta.source)}${article.meta.published ? `, ${escapeText(article.meta.published)}` : ''}`,
        `First sentence: ${escapeText(article.sentences[0]?.text ?? '(none)')}`,
        `${article.sentences.length} sentences indexed as \`${article.id}\`.`,
      ],
    );
  },
};
