import { randomBytes } from 'node:crypto';
import {
  type ButtonInteraction,
  type Interaction,
  type Message,
  MessageFlags,
  type RepliableInteraction,
} from 'discord.js';
import type { CommandRequest, OptionValue, Services } from '../../commands/types.js';
import type { AnswerCache } from './answers.js';
import { InteractionHandler, type InteractionInput, type Responder } from './interactions.js';
import type { Asker } from './permissions.js';
import { type MessagePayload, renderError } from './render.js';

function askerOf(interaction: Interaction): Asker {
  const member = interaction.member;
  const roles = member && 'roles' in member ? member.roles : undefined;
  const roleIds = Array.isArray(roles) ? roles : roles ? [...roles.cache.keys()] : [];
  return { permissions: interaction.memberPermissions, roleIds };
}

/** A discord.js interaction as the transport-neutral handler sees it. */
export function inputOf(interaction: Interaction): InteractionInput {
  const base = {
    id: interaction.id,
    user: { id: interaction.user.id, name: interaction.user.username },
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    asker: askerOf(interaction),
  };
  if (interaction.isChatInputCommand()) {
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
    return { ...base, kind: 'command', name: interaction.commandName, options };
  }
  if (interaction.isAutocomplete()) {
    const focused = interaction.options.getFocused(true);
    return {
      ...base,
      kind: 'autocomplete',
      name: interaction.commandName,
      focused: { name: focused.name, value: String(focused.value) },
    };
  }
  if (interaction.isButton()) return { ...base, kind: 'button', customId: interaction.customId };
  return { ...base, kind: 'other' };
}

const flags = (ephemeral: boolean) => (ephemeral ? { flags: MessageFlags.Ephemeral as const } : {});

/** The handler's responses through discord.js, over the interaction callback and webhook routes. */
export function gatewayResponder(interaction: Interaction): Responder {
  const repliable = (): RepliableInteraction => {
    if (!interaction.isRepliable()) throw new Error(`interaction ${interaction.id} cannot be replied to`);
    return interaction;
  };
  return {
    get acknowledged() {
      return interaction.isRepliable() && (interaction.deferred || interaction.replied);
    },
    get ephemeral() {
      return interaction.isRepliable() && interaction.ephemeral === true;
    },
    reply: async (payload, ephemeral) => {
      await repliable().reply({ ...payload, ...flags(ephemeral) });
    },
    defer: async (ephemeral) => {
      await repliable().deferReply(flags(ephemeral));
    },
    edit: async (payload) => {
      await repliable().editReply(payload);
    },
    update: async (payload) => {
      if (!interaction.isButton()) throw new Error('only a button click can update its message');
      await (interaction as ButtonInteraction).update(payload);
    },
    choices: async (choices) => {
      if (interaction.isAutocomplete()) await interaction.respond(choices);
    },
    followUp: async (payload, ephemeral) => {
      await repliable().followUp({ ...payload, ...flags(ephemeral) });
    },
    deleteReply: async () => {
      await repliable().deleteReply();
    },
  };
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
 * Routes everything the gateway delivers: interactions go to the transport-neutral InteractionHandler
 * (the same one the HTTP interactions server uses) through discord.js; messages (mentions, DMs,
 * listening channels), which only the gateway delivers, are answered here as replies.
 */
export class Dispatcher {
  readonly handler: InteractionHandler;
  /** Recent answers, for their buttons; mentions and slash commands share it. */
  readonly answers: AnswerCache;

  constructor(private readonly services: Services) {
    this.handler = new InteractionHandler(services);
    this.answers = this.handler.answers;
  }

  async handleInteraction(interaction: Interaction): Promise<void> {
    await this.handler.handle(inputOf(interaction), gatewayResponder(interaction));
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
      await message.reply(reply(await this.handler.answerQuestion(request, message.id)));
    } catch (err) {
      const errorId = randomBytes(4).toString('hex');
      log.error({ err, errorId }, 'message failed');
      await message
        .reply(reply(renderError('Something went wrong on my side.', errorId)))
        .catch(() => undefined);
    }
  }
}

/** A reply to a message: quoting it, pinging nobody (not even its author). */
function reply(payload: MessagePayload) {
  return { ...payload, allowedMentions: { parse: [] as [], repliedUser: false } };
}
