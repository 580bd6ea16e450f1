import { randomBytes } from 'node:crypto';
import { ask } from '../../commands/ask.js';
import { findCommand } from '../../commands/index.js';
import { sources } from '../../commands/sources.js';
import type { Choice, CommandRequest, OptionValue, Services } from '../../commands/types.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import { AnswerCache } from './answers.js';
import { type Asker, isModerator, MODERATOR_REFUSAL } from './permissions.js';
import { type MessagePayload, renderContext, renderError, renderView } from './render.js';

/** Codes whose message is meant for the person who asked (their input, their permissions, a page). */
const USER_FACING = /^(FETCH_|FILE_|ARTICLE_|FRONT_MATTER|QUESTION_|PERMISSION|RATE_LIMITED|CORPUS_)/;

interface InteractionBase {
  /** The interaction's id; answers are cached under it for their buttons. */
  id: string;
  user: { id: string; name: string };
  guildId: string | null;
  channelId: string | null;
  asker: Asker;
}

/**
 * An interaction as the bot needs it, whichever way it arrived (the gateway through discord.js, or an
 * HTTP POST from Discord): a slash command with its option values, an autocomplete with the option being
 * typed, a button click with its custom id, or something the bot does not handle.
 */
export type InteractionInput = InteractionBase &
  (
    | { kind: 'command'; name: string; options: Record<string, OptionValue> }
    | { kind: 'autocomplete'; name: string; focused: { name: string; value: string } }
    | { kind: 'button'; customId: string }
    | { kind: 'other' }
  );

/**
 * How the handler answers an interaction, whatever the transport. The first call that acknowledges
 * (`reply`, `defer`, `update`, `choices`) must come within Discord's 3 seconds; `edit`, `followUp` and
 * `deleteReply` work on the acknowledged interaction for 15 minutes.
 */
export interface Responder {
  /** Whether the interaction has been acknowledged (replied to, deferred or updated). */
  readonly acknowledged: boolean;
  /** Whether the reply (or the deferral) is private to the asker. */
  readonly ephemeral: boolean;
  /** A reply message (callback type 4). */
  reply(payload: MessagePayload, ephemeral: boolean): Promise<void>;
  /** "Thinking…" now, the reply later with `edit` (callback type 5). */
  defer(ephemeral: boolean): Promise<void>;
  /** Replaces the reply (`PATCH …/messages/@original`). */
  edit(payload: MessagePayload): Promise<void>;
  /** Replaces the message the clicked button is on (callback type 7). */
  update(payload: MessagePayload): Promise<void>;
  /** Autocomplete suggestions (callback type 8). */
  choices(choices: Choice[]): Promise<void>;
  /** Another message after the reply. */
  followUp(payload: MessagePayload, ephemeral: boolean): Promise<void>;
  deleteReply(): Promise<void>;
}

/**
 * The bot's behaviour for interactions, independent of how they reach it: slash commands (permission
 * check, deferral, run, edit), autocomplete, and the answer and source-list buttons (`a:<key>:more|ctx|
 * up|down`, `s:<page>:<filter>`). Every failure goes through one handler that answers with a short
 * private message and an error id that is in the log. Used by the gateway dispatcher and the HTTP
 * interactions server alike.
 */
export class InteractionHandler {
  /** Recent answers, for their buttons (shared with mentions in the gateway dispatcher). */
  readonly answers = new AnswerCache();

  constructor(private readonly services: Services) {}

  /** Handles one interaction; never throws (failures become the error reply). */
  async handle(input: InteractionInput, responder: Responder): Promise<void> {
    const log = this.services.log.child({ interaction: input.id, user: input.user.id });
    try {
      if (input.kind === 'command') await this.command(input, responder, log);
      else if (input.kind === 'autocomplete') await this.autocomplete(input, responder, log);
      else if (input.kind === 'button') await this.button(input, responder, log);
    } catch (err) {
      if (input.kind === 'autocomplete') log.error({ err }, 'autocomplete failed');
      else await this.fail(responder, err, log);
    }
  }

  private request(input: InteractionInput, log: Logger, options: CommandRequest['options']): CommandRequest {
    return {
      user: input.user,
      guildId: input.guildId,
      channelId: input.channelId,
      isModerator: isModerator(input.asker, this.services.config),
      options,
      log,
    };
  }

  private async command(
    input: Extract<InteractionInput, { kind: 'command' }>,
    responder: Responder,
    parent: Logger,
  ): Promise<void> {
    const log = parent.child({ command: input.name });
    const command = findCommand(input.name);
    if (!command) {
      await responder.reply(renderError('I do not know that command.'), true);
      return;
    }
    const request = this.request(input, log, input.options);
    if (command.moderatorOnly && !request.isModerator) {
      log.info('moderator command refused');
      await responder.reply(renderError(MODERATOR_REFUSAL), true);
      return;
    }
    const options = input.options;
    const isPrivate =
      typeof options.private === 'boolean' ? options.private : command.privateByDefault === true;
    await responder.defer(isPrivate);
    const view = await command.run(request, this.services);
    if (view.kind === 'answer') this.answers.set(input.id, view);
    await responder.edit(renderView(view, view.kind === 'answer' ? input.id : undefined));
  }

  private async autocomplete(
    input: Extract<InteractionInput, { kind: 'autocomplete' }>,
    responder: Responder,
    log: Logger,
  ): Promise<void> {
    const command = findCommand(input.name);
    const choices = command?.autocomplete?.(this.request(input, log, {}), input.focused, this.services);
    await responder.choices((choices ?? []).slice(0, 25));
  }

  private async button(
    input: Extract<InteractionInput, { kind: 'button' }>,
    responder: Responder,
    log: Logger,
  ): Promise<void> {
    const [kind, a, b, c] = input.customId.split(':');
    if (kind === 's') {
      const view = await sources.run(this.request(input, log, { filter: b ?? '' }), this.services);
      if (view.kind === 'sources') view.page = Math.max(0, Number(a) || 0);
      await responder.update(renderView(view));
      return;
    }
    if (kind !== 'a' || !a) return;
    const view = this.answers.get(a);
    if (!view) {
      await responder.reply(renderError('This answer is too old for its buttons: please ask again.'), true);
      return;
    }
    if (b === 'more') {
      const next = { ...view, page: Number(c) || 0 };
      this.answers.set(a, next);
      await responder.update(renderView(next, a));
    } else if (b === 'ctx') {
      await responder.reply(renderContext(view.answer, Number(c) || 0, view.perPage), true);
    } else if (b === 'up' || b === 'down') {
      await this.services.state.recordFeedback({
        userId: input.user.id,
        question: view.answer.question,
        answer: view.answer.results[0]?.text ?? '',
        helpful: b === 'up',
      });
      log.info({ helpful: b === 'up' }, 'feedback');
      await responder.reply(
        {
          content: b === 'up' ? 'Thanks, glad it helped!' : 'Thanks for telling me; moderators will see it.',
          embeds: [],
          components: [],
          allowedMentions: { parse: [] },
        },
        true,
      );
    }
  }

  /** The one error reply: short, private, with an id that finds the stack in the log. */
  private async fail(responder: Responder, err: unknown, log: Logger): Promise<void> {
    const errorId = randomBytes(4).toString('hex');
    const userFacing = isAppError(err) && USER_FACING.test(err.code);
    if (userFacing) log.warn({ errorId, code: err.code, reason: err.message }, 'request refused');
    else log.error({ err, errorId }, 'interaction failed');
    const payload = renderError(userFacing ? err.message : 'Something went wrong on my side.', errorId);
    try {
      if (responder.acknowledged) {
        if (responder.ephemeral) await responder.edit(payload);
        else {
          await responder.deleteReply().catch(() => undefined);
          await responder.followUp(payload, true);
        }
      } else {
        await responder.reply(payload, true);
      }
    } catch (replyErr) {
      log.error({ err: replyErr, errorId }, 'could not send the error reply');
    }
  }

  /** Answers a question that did not come as a slash command (a mention, a DM), caching it for buttons. */
  async answerQuestion(request: CommandRequest, key: string): Promise<MessagePayload> {
    const view = await ask.run(request, this.services);
    if (view.kind === 'answer') this.answers.set(key, view);
    return renderView(view, view.kind === 'answer' ? key : undefined);
  }
}
