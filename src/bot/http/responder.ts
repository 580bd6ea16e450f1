import {
  type APIInteractionResponse,
  DiscordAPIError,
  InteractionResponseType,
  MessageFlags,
  type REST,
  Routes,
} from 'discord.js';
import type { Choice } from '../../../commands/types.js';
import type { Logger } from '../../log.js';
import type { InteractionInput, Responder } from '../interactions.js';
import type { MessagePayload } from '../render.js';

/** A message payload as Discord's API takes it (snake_case), pinging nobody. */
export function apiMessage(payload: MessagePayload, ephemeral?: boolean) {
  return {
    ...(payload.content !== undefined ? { content: payload.content } : {}),
    embeds: payload.embeds,
    components: payload.components,
    allowed_mentions: { parse: [] as [] },
    ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  };
}

type State = 'fresh' | 'replied' | 'deferred-reply' | 'updated' | 'deferred-update' | 'choices';

/** Unknown Webhook, Unknown Message: the deferral may not have been taken in yet. */
const NOT_YET = new Set([10015, 10008]);

/**
 * Answers one interaction that arrived over HTTP. The first acknowledgement becomes the body of the HTTP
 * response itself (`initial`); everything after it goes through the interaction's webhook
 * (`/webhooks/{application}/{token}`), which needs no bot token — and waits until that response has been
 * written, so Discord knows the interaction before its webhook is used.
 */
export class HttpResponder implements Responder {
  /** The HTTP response body: the first acknowledgement. */
  readonly initial: Promise<APIInteractionResponse>;
  #resolveInitial!: (body: APIInteractionResponse) => void;
  #markSent!: () => void;
  readonly #sent: Promise<void>;
  #state: State = 'fresh';
  #ephemeral = false;

  constructor(
    private readonly kind: InteractionInput['kind'],
    private readonly webhook: { rest: REST; applicationId: string; token: string },
    private readonly log: Logger,
  ) {
    this.initial = new Promise((resolve) => {
      this.#resolveInitial = resolve;
    });
    this.#sent = new Promise((resolve) => {
      this.#markSent = resolve;
    });
  }

  get acknowledged(): boolean {
    return this.#state !== 'fresh';
  }

  get ephemeral(): boolean {
    return this.#ephemeral;
  }

  /** Called by the server once the HTTP response has been written. */
  sent(): void {
    this.#markSent();
  }

  #ack(body: APIInteractionResponse, state: State, ephemeral = false): void {
    this.#state = state;
    this.#ephemeral = ephemeral;
    this.#resolveInitial(body);
  }

  async reply(payload: MessagePayload, ephemeral: boolean): Promise<void> {
    if (this.#state === 'fresh') {
      this.#ack(
        { type: InteractionResponseType.ChannelMessageWithSource, data: apiMessage(payload, ephemeral) },
        'replied',
        ephemeral,
      );
    } else if (this.#state === 'deferred-reply') {
      await this.edit(payload);
    } else {
      await this.followUp(payload, ephemeral);
    }
  }

  async defer(ephemeral: boolean): Promise<void> {
    if (this.#state !== 'fresh') return;
    this.#ack(
      {
        type: InteractionResponseType.DeferredChannelMessageWithSource,
        data: ephemeral ? { flags: MessageFlags.Ephemeral } : {},
      },
      'deferred-reply',
      ephemeral,
    );
  }

  async update(payload: MessagePayload): Promise<void> {
    if (this.#state === 'fresh') {
      this.#ack({ type: InteractionResponseType.UpdateMessage, data: apiMessage(payload) }, 'updated');
    } else {
      await this.edit(payload);
    }
  }

  async choices(choices: Choice[]): Promise<void> {
    if (this.#state !== 'fresh') return;
    this.#ack(
      { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } },
      'choices',
    );
  }

  async edit(payload: MessagePayload): Promise<void> {
    await this.#call(
      'patch',
      Routes.webhookMessage(this.webhook.applicationId, this.webhook.token),
      apiMessage(payload),
    );
  }

  async followUp(payload: MessagePayload, ephemeral: boolean): Promise<void> {
    await this.#call(
      'post',
      Routes.webhook(this.webhook.applicationId, this.webhook.token),
      apiMessage(payload, ephemeral),
    );
  }

  async deleteReply(): Promise<void> {
    await this.#call('delete', Routes.webhookMessage(this.webhook.applicationId, this.webhook.token));
  }

  /**
   * Acknowledges an interaction nobody has answered yet, as Discord needs within 3 seconds: a deferral
   * for a command (its reply follows by webhook), a deferred update for a component (nothing changes on
   * screen), no suggestions for autocomplete. Does nothing once acknowledged.
   */
  settle(): void {
    if (this.#state !== 'fresh') return;
    if (this.kind === 'command') void this.defer(true);
    else if (this.kind === 'autocomplete') void this.choices([]);
    else this.#ack({ type: InteractionResponseType.DeferredMessageUpdate }, 'deferred-update');
  }

  /** The error with the interaction token taken out of its URL, since errors end up in the log. */
  #redacted(err: unknown): unknown {
    if (err && typeof err === 'object' && 'url' in err && typeof err.url === 'string') {
      (err as { url: string }).url = err.url.split(this.webhook.token).join('[token]');
    }
    return err;
  }

  async #call(method: 'patch' | 'post' | 'delete', route: `/${string}`, body?: unknown): Promise<void> {
    await this.#sent;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.webhook.rest[method](route, { auth: false, ...(body === undefined ? {} : { body }) });
        return;
      } catch (err) {
        // Discord may take in our HTTP response a moment after we sent it; a webhook call that overtakes
        // it finds no interaction yet.
        const notYet = err instanceof DiscordAPIError && NOT_YET.has(Number(err.code));
        if (!notYet || attempt >= 3) throw this.#redacted(err);
        this.log.debug({ attempt, code: (err as DiscordAPIError).code }, 'webhook not ready, retrying');
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }
}
