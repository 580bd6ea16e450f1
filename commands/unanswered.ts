import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { escapeText } from '../src/bot/render.js';
import { type Command, notice } from './types.js';

const data = new SlashCommandBuilder()
  .setName('unanswered')
  .setDescription('Questions the articles could not answer, most asked first (moderators)')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .toJSON();

export const unanswered: Command = {
  data,
  moderatorOnly: true,
  privateByDefault: true,
  async run(_request, services) {
    const list = await services.state.listUnanswered(20);
    if (list.length === 0)
      return notice('info', 'No unanswered questions', ['Every question so far found an answer.']);
    return notice(
      'info',
      'Unanswered questions',
      list.map((q) => `${q.count}× ${escapeText(q.question)} (last ${q.lastAsked.slice(0, 10)})`),
    );
  },
};
