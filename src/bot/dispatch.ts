import { randomBytes } from 'node:crypto';
import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
  MessageFlags,
  type RepliableInteraction,
} from 'discord.js';
import { ask } from '../../commands/ask.js';
import { findCommand } from '../../commands/index.js';
import { sources } from '../../commands/sources.js';
import type { CommandRequest, OptionValue, Services } from '../../commands/types.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import { AnswerCache } from './answers.js';
import { type Asker, isModerator, MODERATOR_REFUSAL } from './permissions.js';
import { type MessagePayload, renderContext, renderError, renderView } from './render.js';

/** Codes whose message is meant for the person who asked (their input, their permissions, a page). */
const USER_FACING = /^(FETCH_|FILE_|ARTICLE_|FRONT_MATTER|QUESTION_|PERMISSION|RATE_LIMITED|CORPUS_)/;

function askerOf(interaction: Interaction | Message): Asker {
  const member = interaction.member;
  const roles = member && 'roles' in member ? member.roles : undefined;
  const roleIds = Array.isArray(roles) ? roles : roles ? [...roles.cache.keys()] : [];
  const permissions =
    'memberPermissions' in interaction
      ? interaction.memberPermissions
      : interaction.inGuild() && interaction.member
        ? interaction.member.permissions
        : null;
  return { permissions, roleIds };
}

/** Is a message in a listening channel a question? A question mark, or a question word first. */
export function isQuestionLike(text: string): boolean {
  const t = text.trim();
  if (t.length < 8) return false;
  return (
    /\?\s*$/.test(t) ||
    /^(who|what|when|where|why|how|which|whom|whose|is|are|was|were|did|does|do|can|could|has|have|will)\b/i.test(
      t,
    )
  );
}

/**
 * Routes everything Discord sends the bot: slash commands, autocomplete, buttons and messages. Every
 * interaction is acknowledged first (deferred within Discord's 3 seconds); every failure goes through
 * one handler that answers with a short private message and an error id that is in the log.
 */
export class Dispatcher {
  readonly answers = new AnswerCache();

  constructor(private readonly services: Services) {}

  async handleInteraction(interaction: Interaction): Promise<void> {
    const log = this.services.log.child({ interaction: interaction.id, user: interaction.user.id });
    try {
      if (interaction.isChatInputCommand()) await this.command(interaction, log);
      else if (interaction.isAutocomplete()) await this.autocomplete(interaction, log);
      else if (interaction.isButton()) await this.button(interaction, log);
    } catch (err) {
      if (interaction.isRepliable()) await this.fail(interaction, err, log);
      else log.error({ err }, 'interaction failed');
    }
  }

  private request(interaction: Interaction, log: Logger, options: CommandRequest['options']): CommandRequest {
    return {
      user: { id: interaction.user.id, name: interaction.user.username },
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      isModerator: isModerator(askerOf(interaction), this.services.config),
      options,
      log,
    };
  }

  private async command(interaction: ChatInputCommandInteraction, parent: Logger): Promise<void> {
    const log = parent.child({ command: interaction.commandName });
    const command = findCommand(interaction.commandName);
    if (!command) {
      await interaction.reply({
        ...renderError('I do not know that command.'),
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    const options: Record<string, OptionValue> = {};
    for (const o of interaction.options.data) {
      if (o.attachment) {
        options[o.name] = {
          url: o.attachment.url,
          name: o.attachment.name,
          size: o.attachment.size,
          contentType: o.attachment.contentType ?? undefined,
        };
      } else if (o.value !== undefined) {
        options[o.name] = o.value;
      }
    }
    const request = this.request(interaction, log, options);
    if (command.moderatorOnly && !request.isModerator) {
      log.info('moderator command refused');
      await interaction.reply({ ...renderError(MODERATOR_REFUSAL), flags: MessageFlags.Ephemeral });
      return;
    }
    const isPrivate =
      typeof options.private === 'boolean' ? options.private : command.privateByDefault === true;
    await interaction.deferReply(isPrivate ? { flags: MessageFlags.Ephemeral } : {});
    const view = await command.run(request, this.services);
    if (view.kind === 'answer') this.answers.set(interaction.id, view);
    await interaction.editReply(renderView(view, view.kind === 'answer' ? interaction.id : undefined));
  }

  private async autocomplete(interaction: AutocompleteInteraction, log: Logger): Promise<void> {
    const command = findCommand(interaction.commandName);
    const focused = interaction.options.getFocused(true);
    const choices = command?.autocomplete?.(
      this.request(interaction, log, {}),
      {
        name: focused.name,
        value: String(focused.value),
      },
      this.services,
    );
    await interaction.respond((choices ?? []).slice(0, 25));
  }

  private async button(interaction: ButtonInteraction, log: Logger): Promise<void> {
    const [kind, a, b, c] = interaction.customId.split(':');
    if (kind === 's') {
      const view = await sources.run(this.request(interaction, log, { filter: b ?? '' }), this.services);
      if (view.kind === 'sources') view.page = Math.max(0, Number(a) || 0);
      await interaction.update(renderView(view));
      return;
    }
    if (kind !== 'a' || !a) return;
    const view = this.answers.get(a);
    if (!view) {
      await interaction.reply({
        ...renderError('This answer is too old for its buttons: please ask again.'),
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    if (b === 'more') {
      const next = { ...view, page: Number(c) || 0 };
      this.answers.set(a, next);
      await interaction.update(renderView(next, a));
    } else if (b === 'ctx') {
      await interaction.reply({
        ...renderContext(view.answer, Number(c) || 0, view.perPage),
        flags: MessageFlags.Ephemeral,
      });
    } else if (b === 'up' || b === 'down') {
      await this.services.state.recordFeedback({
        userId: interaction.user.id,
        question: view.answer.question,
        answer: view.answer.results[0]?.text ?? '',
        helpful: b === 'up',
      });
      log.info({ helpful: b === 'up' }, 'feedback');
      await interaction.reply({
        content: b === 'up' ? 'Thanks, glad it helped!' : 'Thanks for telling me; moderators will see it.',
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      });
    }
  }

  /**
   * Answers a message that mentions the bot, a direct message, or a question-like message in a
   * configured channel, as a reply to it.
   */
  async handleMessage(message: Message, botUserId: string): Promise<void> {
    if (message.author.bot || message.system) return;
    const mentioned = message.mentions.users.has(botUserId);
    const direct = !message.inGuild();
    const listening =
      message.inGuild() &&
      this.services.config.ANSWER_CHANNEL_IDS.includes(message.channelId) &&
      isQuestionLike(message.content);
    if (!mentioned && !direct && !listening) return;
    const log = this.services.log.child({ message: message.id, user: message.author.id });
    const question = message.content
      .replace(new RegExp(`<@!?${botUserId}>`, 'g'), ' ')
      .replace(/\s+/g, ' ')
      .trim();
    try {
      const request: CommandRequest = {
        user: { id: message.author.id, name: message.author.username },
        guildId: message.guildId,
        channelId: message.channelId,
        isModerator: false,
        options: { question },
        log,
      };
      const view = await ask.run(request, this.services);
      if (view.kind === 'answer') this.answers.set(message.id, view);
      await message.reply(reply(renderView(view, view.kind === 'answer' ? message.id : undefined)));
    } catch (err) {
      const errorId = randomBytes(4).toString('hex');
      log.error({ err, errorId }, 'message failed');
      await message
        .reply(reply(renderError('Something went wrong on my side.', errorId)))
        .catch(() => undefined);
    }
  }

  /** The one error reply: short, private, with an id that finds the stack in the log. */
  private async fail(interaction: RepliableInteraction, err: unknown, log: Logger): Promise<void> {
    const errorId = randomBytes(4).toString('hex');
    const userFacing = isAppError(err) && USER_FACING.test(err.code);
    if (userFacing) log.warn({ errorId, code: err.code, reason: err.message }, 'request refused');
    else log.error({ err, errorId }, 'interaction failed');
    const payload = renderError(userFacing ? err.message : 'Something went wrong on my side.', errorId);
    try {
      if (interaction.deferred || interaction.replied) {
        const ephemeral = interaction.ephemeral === true;
        if (ephemeral) await interaction.editReply(payload);
        else {
          await interaction.deleteReply().catch(() => undefined);
          await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
        }
      } else {
        await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
      }
    } catch (replyErr) {
      log.error({ err: replyErr, errorId }, 'could not send the error reply');
    }
  }
}

/** A reply to a message: quoting it, pinging nobody (not even its author). */
function reply(payload: MessagePayload) {
  return { ...payload, allowedMentions: { parse: [] as [], repliedUser: false } };
}
