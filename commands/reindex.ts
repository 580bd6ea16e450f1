import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { escapeText } from '../src/bot/render.js';
import type { RefreshSummary } from '../src/search/refresh.js';
import { type Command, notice, type View } from './types.js';

const data = new SlashCommandBuilder()
  .setName('reindex')
  .setDescription('Refresh the index from the article folder (moderators)')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .toJSON();

/** A moderator-facing summary of what a refresh changed. */
export function summaryView(title: string, s: RefreshSummary): View {
  const list = (ids: string[]) =>
    ids.length ? ` (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})` : '';
  const lines = [
    `Added ${s.added.length}${list(s.added)}, changed ${s.changed.length}${list(s.changed)}, removed ${s.removed.length}${list(s.removed)}.`,
    `Now ${s.articles} articles, ${s.sentences} sentences, in ${s.seconds.toFixed(2)} s.`,
  ];
  for (const p of s.problems.slice(0, 5)) lines.push(`Skipped: ${escapeText(p.message)}`);
  if (s.problems.length > 5) lines.push(`… and ${s.problems.length - 5} more skipped files.`);
  return notice(s.problems.length ? 'warning' : 'success', title, lines);
}

export const reindex: Command = {
  data,
  moderatorOnly: true,
  privateByDefault: true,
  async run(request, services) {
    const summary = await services.index.refresh();
    request.log.info(
      { added: summary.added.length, changed: summary.changed.length, removed: summary.removed.length },
      'reindexed',
    );
    return summaryView('Index refreshed', summary);
  },
};
