import type { APIAttachment, APIMessage, APIUser } from 'discord.js';
import type { FakeChannel, FakeGuild } from './entities.js';
import type { AttachmentHost } from './messages.js';
import { nextSnowflake } from './snowflake.js';

export const InteractionKind = {
  Ping: 1,
  Command: 2,
  Component: 3,
  Autocomplete: 4,
  ModalSubmit: 5,
} as const;

/** Discord's application command option types. */
export const OptionType = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

/** A file a user attaches to a slash command option; the server serves its bytes at the attachment url. */
export interface AttachmentInput {
  filename: string;
  content: string | Buffer;
  contentType?: string;
}

/** A raw option as Discord sends it, for cases the shorthand cannot express. */
export interface RawOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: RawOption[];
}

/**
 * Option values by name. Types come from the registered command when there is one, otherwise from the
 * value: string → STRING, integer → INTEGER, other number → NUMBER, boolean → BOOLEAN, an
 * `{ filename, content }` object → ATTACHMENT.
 */
export type OptionsInput = Record<string, string | number | boolean | AttachmentInput> | RawOption[];

/** Who triggers an interaction or sends a message, and where. All fields default sensibly. */
export interface Invoker {
  /** The user; defaults to the server's default human user. */
  user?: APIUser;
  /** The channel; defaults to the first text channel of the first guild. Ignored when `dm` is set. */
  channelId?: string;
  /** Use the DM channel between the user and the bot. */
  dm?: boolean;
  /** Role names or ids the member has (guild only); the member's own roles when omitted. */
  roles?: string[];
  /** The member permissions bitfield as Discord computes it; derived from roles when omitted. */
  permissions?: bigint | string;
  locale?: string;
}

export type InteractionInput =
  | (Invoker & { type: 'command'; name: string; options?: OptionsInput; subcommand?: string; group?: string })
  | (Invoker & {
      type: 'autocomplete';
      name: string;
      options?: OptionsInput;
      /** The option the user is typing in; its value is sent as a string, as Discord does. */
      focused: string;
      subcommand?: string;
      group?: string;
    })
  | (Invoker & {
      type: 'button';
      customId: string;
      /** The message carrying the button: an id, an object, or omitted for the newest bot message with it. */
      message?: string | APIMessage;
    })
  | (Invoker & { type: 'select'; customId: string; values: string[]; message?: string | APIMessage })
  | (Invoker & { type: 'modal'; customId: string; fields: Record<string, string>; message?: APIMessage });

/** What the builder needs to know about the world. */
export interface InteractionContext {
  applicationId: string;
  user: APIUser;
  guild: FakeGuild | undefined;
  channel: FakeChannel;
  memberRoles: string[];
  memberPermissions: bigint;
  appPermissions: bigint;
  /** The registered command's option definitions, to type options by name. */
  commandOptions: RawOptionDefinition[] | undefined;
  commandId: string | undefined;
  componentMessage: APIMessage | undefined;
  attachments: AttachmentHost;
  users: ReadonlyMap<string, APIUser>;
}

export interface RawOptionDefinition {
  name: string;
  type: number;
  options?: RawOptionDefinition[];
}

interface Resolved {
  attachments?: Record<string, APIAttachment>;
  users?: Record<string, APIUser>;
  members?: Record<string, unknown>;
  roles?: Record<string, unknown>;
  channels?: Record<string, unknown>;
}

function isAttachmentInput(value: unknown): value is AttachmentInput {
  return typeof value === 'object' && value !== null && 'filename' in value && 'content' in value;
}

function inferType(value: unknown): number {
  if (isAttachmentInput(value)) return OptionType.Attachment;
  if (typeof value === 'boolean') return OptionType.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? OptionType.Integer : OptionType.Number;
  return OptionType.String;
}

function buildOptions(
  input: OptionsInput | undefined,
  definitions: RawOptionDefinition[] | undefined,
  focused: string | undefined,
  context: InteractionContext,
  resolved: Resolved,
): RawOption[] {
  if (Array.isArray(input)) return input;
  const options: RawOption[] = [];
  for (const [name, value] of Object.entries(input ?? {})) {
    const type = definitions?.find((definition) => definition.name === name)?.type ?? inferType(value);
    if (isAttachmentInput(value)) {
      const id = nextSnowflake();
      const data = typeof value.content === 'string' ? Buffer.from(value.content) : value.content;
      const contentType = value.contentType ?? 'text/plain; charset=utf-8';
      const url = context.attachments.store(
        `/ephemeral-attachments/${context.applicationId}/${id}/${encodeURIComponent(value.filename)}`,
        { data, contentType },
      );
      resolved.attachments ??= {};
      resolved.attachments[id] = {
        id,
        filename: value.filename,
        size: data.length,
        url,
        proxy_url: url,
        content_type: contentType,
        ephemeral: true,
      } as APIAttachment;
      options.push({ name, type: OptionType.Attachment, value: id });
      continue;
    }
    const option: RawOption = { name, type, value };
    if (name === focused) {
      // Autocomplete sends what the user has typed so far, which is always text.
      option.value = String(value);
      option.focused = true;
    }
    if (type === OptionType.User && typeof value === 'string') {
      const user = context.users.get(value);
      if (user) {
        resolved.users ??= {};
        resolved.users[value] = user;
      }
    }
    options.push(option);
  }
  return options;
}

function wrapSubcommand(
  options: RawOption[],
  subcommand: string | undefined,
  group: string | undefined,
): RawOption[] {
  if (!subcommand) return options;
  const sub: RawOption = { name: subcommand, type: OptionType.Subcommand, options };
  return group ? [{ name: group, type: OptionType.SubcommandGroup, options: [sub] }] : [sub];
}

function definitionsFor(
  definitions: RawOptionDefinition[] | undefined,
  subcommand: string | undefined,
  group: string | undefined,
): RawOptionDefinition[] | undefined {
  let scope = definitions;
  if (group) scope = scope?.find((option) => option.name === group)?.options;
  if (subcommand) scope = scope?.find((option) => option.name === subcommand)?.options;
  return scope;
}

function partialChannel(channel: FakeChannel, context: InteractionContext): Record<string, unknown> {
  if (channel.type === 1) {
    return {
      id: channel.id,
      type: 1,
      last_message_id: channel.last_message_id,
      flags: 0,
      recipients: [context.user],
    };
  }
  const { permission_overwrites: _overwrites, ...rest } = channel;
  return { ...rest, permissions: context.appPermissions.toString() };
}

/**
 * Returns an INTERACTION_CREATE payload as Discord sends it over the gateway: a fresh id and token, the
 * invoking member (with their permissions bitfield) or user, the channel, the app's permissions there,
 * and the type-specific `data` (options with `resolved` attachments, focused option, custom_id and the
 * message a component sits on).
 */
export function buildInteraction(
  input: InteractionInput,
  context: InteractionContext,
): Record<string, unknown> {
  const id = nextSnowflake();
  const base: Record<string, unknown> = {
    id,
    application_id: context.applicationId,
    version: 1,
    locale: input.locale ?? 'en-US',
    app_permissions: context.appPermissions.toString(),
    entitlements: [],
    attachment_size_limit: 10_485_760,
    channel: partialChannel(context.channel, context),
    channel_id: context.channel.id,
  };
  if (context.guild) {
    const member = context.guild.members.find((m) => m.user.id === context.user.id);
    base.guild_id = context.guild.id;
    base.guild = { id: context.guild.id, locale: 'en-US', features: [] };
    base.guild_locale = 'en-US';
    base.member = {
      avatar: null,
      banner: null,
      communication_disabled_until: null,
      deaf: false,
      flags: 0,
      joined_at: member?.joined_at ?? new Date().toISOString(),
      mute: false,
      nick: member?.nick ?? null,
      pending: false,
      premium_since: null,
      roles: context.memberRoles,
      user: context.user,
      permissions: context.memberPermissions.toString(),
      unusual_dm_activity_until: null,
    };
    base.authorizing_integration_owners = { '0': context.guild.id };
    base.context = 0;
  } else {
    base.user = context.user;
    base.authorizing_integration_owners = { '0': '0' };
    base.context = 1;
  }

  switch (input.type) {
    case 'command':
    case 'autocomplete': {
      const resolved: Resolved = {};
      const definitions = definitionsFor(context.commandOptions, input.subcommand, input.group);
      const focused = input.type === 'autocomplete' ? input.focused : undefined;
      const options = buildOptions(input.options, definitions, focused, context, resolved);
      if (focused && !options.some((option) => option.name === focused)) {
        options.push({ name: focused, type: OptionType.String, value: '', focused: true });
      }
      return {
        ...base,
        type: input.type === 'command' ? InteractionKind.Command : InteractionKind.Autocomplete,
        data: {
          id: context.commandId ?? nextSnowflake(),
          name: input.name,
          type: 1,
          options: wrapSubcommand(options, input.subcommand, input.group),
          ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
        },
      };
    }
    case 'button':
    case 'select':
      return {
        ...base,
        type: InteractionKind.Component,
        message: context.componentMessage,
        data:
          input.type === 'button'
            ? { custom_id: input.customId, component_type: 2 }
            : { custom_id: input.customId, component_type: 3, values: input.values },
      };
    case 'modal':
      return {
        ...base,
        type: InteractionKind.ModalSubmit,
        ...(context.componentMessage ? { message: context.componentMessage } : {}),
        data: {
          custom_id: input.customId,
          components: Object.entries(input.fields).map(([customId, value]) => ({
            type: 1,
            components: [{ type: 4, custom_id: customId, value }],
          })),
        },
      };
  }
}

/** Returns true when a message carries a component with this custom_id (so a user could click it). */
export function hasComponent(message: APIMessage, customId: string): boolean {
  const walk = (components: unknown): boolean =>
    Array.isArray(components) &&
    components.some(
      (component) =>
        typeof component === 'object' &&
        component !== null &&
        ((component as { custom_id?: unknown }).custom_id === customId ||
          walk((component as { components?: unknown }).components)),
    );
  return walk(message.components);
}
