import type { APIAttachment, APIMessage, APIUser } from 'discord.js';
import type { UploadedFile } from './body.js';
import type { FakeGuild } from './entities.js';
import { nextSnowflake } from './snowflake.js';

export const MessageFlag = { SuppressEmbeds: 1 << 2, Ephemeral: 1 << 6, Loading: 1 << 7 } as const;
export const MessageType = { Default: 0, Reply: 19, ChatInputCommand: 20 } as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What mention parsing needs to know about the world. */
export interface MentionContext {
  users: ReadonlyMap<string, APIUser>;
  guild: FakeGuild | undefined;
}

interface Mentions {
  mentions: APIUser[];
  mention_roles: string[];
  mention_everyone: boolean;
}

/**
 * Returns who a message actually pings, applying `allowed_mentions` as Discord does: without it everything
 * in the content pings (and the author of a replied-to message); with it only what `parse`, `users`,
 * `roles` and `replied_user` allow. Tests assert "nobody was pinged" on the result.
 */
export function resolveMentions(
  content: string,
  allowed: unknown,
  context: MentionContext,
  repliedTo: APIUser | undefined,
): Mentions {
  const restricted = isObject(allowed);
  const parse = new Set(restricted && Array.isArray(allowed.parse) ? (allowed.parse as string[]) : []);
  const userList = restricted && Array.isArray(allowed.users) ? (allowed.users as string[]) : [];
  const roleList = restricted && Array.isArray(allowed.roles) ? (allowed.roles as string[]) : [];
  const userAllowed = (id: string) => !restricted || parse.has('users') || userList.includes(id);
  const roleAllowed = (id: string) => !restricted || parse.has('roles') || roleList.includes(id);

  const mentioned = new Map<string, APIUser>();
  for (const match of content.matchAll(/<@!?(\d{15,21})>/g)) {
    const id = match[1] ?? '';
    const user = context.users.get(id);
    if (user && userAllowed(id)) mentioned.set(id, withMember(user, context.guild));
  }
  if (repliedTo && (!restricted || allowed.replied_user === true)) {
    mentioned.set(repliedTo.id, withMember(repliedTo, context.guild));
  }
  const roleIds = new Set<string>();
  for (const match of content.matchAll(/<@&(\d{15,21})>/g)) {
    const id = match[1] ?? '';
    if (context.guild?.roles.some((role) => role.id === id) && roleAllowed(id)) roleIds.add(id);
  }
  const everyone = /@(everyone|here)\b/.test(content) && (!restricted || parse.has('everyone'));
  return { mentions: [...mentioned.values()], mention_roles: [...roleIds], mention_everyone: everyone };
}

function withMember(user: APIUser, guild: FakeGuild | undefined): APIUser {
  const member = guild?.members.find((m) => m.user.id === user.id);
  if (!member) return user;
  const { user: _user, ...rest } = member;
  return { ...user, member: rest } as APIUser;
}

/** Where uploaded files are served from, so the bot can download what users attach. */
export interface AttachmentHost {
  store(pathname: string, file: { data: Buffer; contentType: string }): string;
}

/**
 * Returns attachment objects for files uploaded with a message, matching each `files[n]` part to the
 * `attachments[n]` entry discord.js sends for it, and keeping the already-present attachments the body
 * lists by id (which is how an edit keeps or drops files).
 */
export function buildAttachments(
  body: Json,
  files: readonly UploadedFile[],
  existing: readonly APIAttachment[],
  channelId: string,
  host: AttachmentHost,
): APIAttachment[] {
  const described = Array.isArray(body.attachments) ? (body.attachments as Json[]) : undefined;
  const kept = described
    ? existing.filter((attachment) => described.some((entry) => String(entry.id) === attachment.id))
    : [...existing];
  const uploaded = files.map((file, index): APIAttachment => {
    const key = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? String(index);
    const entry = described?.find((candidate) => String(candidate.id) === key);
    const id = nextSnowflake();
    const filename = typeof entry?.filename === 'string' ? entry.filename : file.name;
    const url = host.store(`/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`, file);
    return {
      id,
      filename,
      size: file.size,
      url,
      proxy_url: url,
      content_type: file.contentType || 'application/octet-stream',
      ...(typeof entry?.description === 'string' ? { description: entry.description } : {}),
    } as APIAttachment;
  });
  return [...kept, ...uploaded];
}

/** Returns true when a message would show nothing, which Discord refuses (code 50006). */
export function isEmptyMessage(
  message: Pick<APIMessage, 'content' | 'embeds' | 'components' | 'attachments'>,
) {
  return (
    message.content.trim() === '' &&
    message.embeds.length === 0 &&
    (message.components?.length ?? 0) === 0 &&
    message.attachments.length === 0
  );
}

export interface NewMessage {
  channelId: string;
  guildId: string | undefined;
  author: APIUser;
  body: Json;
  attachments: APIAttachment[];
  type: number;
  mentionContext: MentionContext;
  referenced?: APIMessage | undefined;
  extra?: Partial<APIMessage> | undefined;
}

/** Returns a message object as the REST API returns it for a message the bot just created. */
export function buildMessage(input: NewMessage): APIMessage {
  const content = typeof input.body.content === 'string' ? input.body.content : '';
  const flags = typeof input.body.flags === 'number' ? input.body.flags : 0;
  const message = {
    id: nextSnowflake(),
    type: input.type,
    content,
    channel_id: input.channelId,
    author: input.author,
    attachments: input.attachments,
    embeds: normaliseEmbeds(input.body.embeds),
    components: Array.isArray(input.body.components) ? input.body.components : [],
    ...resolveMentions(content, input.body.allowed_mentions, input.mentionContext, input.referenced?.author),
    pinned: false,
    tts: input.body.tts === true,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    flags,
    ...(typeof input.body.nonce === 'string' || typeof input.body.nonce === 'number'
      ? { nonce: input.body.nonce }
      : {}),
    ...(input.referenced
      ? {
          message_reference: {
            type: 0,
            message_id: input.referenced.id,
            channel_id: input.referenced.channel_id,
            ...(input.guildId ? { guild_id: input.guildId } : {}),
          },
          referenced_message: input.referenced,
        }
      : {}),
    ...input.extra,
  };
  return message as APIMessage;
}

/**
 * Applies an edit body to a stored message in place, as PATCH does: only the fields present change,
 * mentions are recomputed for new content, and the loading state of a deferred reply ends.
 */
export function applyEdit(
  message: APIMessage,
  body: Json,
  attachments: APIAttachment[] | undefined,
  mentionContext: MentionContext,
): void {
  const target = message as unknown as Json;
  if ('content' in body) target.content = typeof body.content === 'string' ? body.content : '';
  if ('embeds' in body) target.embeds = normaliseEmbeds(body.embeds);
  if ('components' in body) target.components = Array.isArray(body.components) ? body.components : [];
  if (attachments) target.attachments = attachments;
  if (typeof body.flags === 'number') {
    // Only SUPPRESS_EMBEDS can be changed by an edit; ephemeral and loading are not the sender's to set.
    target.flags = (message.flags ?? 0) & ~MessageFlag.SuppressEmbeds;
    target.flags = (target.flags as number) | (body.flags & MessageFlag.SuppressEmbeds);
  }
  target.flags = ((target.flags as number | undefined) ?? 0) & ~MessageFlag.Loading;
  if ('content' in body || 'allowed_mentions' in body) {
    Object.assign(
      target,
      resolveMentions(
        message.content,
        body.allowed_mentions,
        mentionContext,
        message.referenced_message?.author,
      ),
    );
  }
  target.edited_timestamp = new Date().toISOString();
}

function normaliseEmbeds(embeds: unknown): APIMessage['embeds'] {
  if (!Array.isArray(embeds)) return [];
  return embeds.map((embed) => ({ type: 'rich', ...(isObject(embed) ? embed : {}) })) as APIMessage['embeds'];
}

/**
 * Returns the message as a client without the MESSAGE_CONTENT intent receives it: content, embeds,
 * attachments and components emptied (Discord keeps them for DMs, mentions of the bot and the bot's own
 * messages; the caller decides when this applies).
 */
export function withoutContent(message: APIMessage): APIMessage {
  return { ...message, content: '', embeds: [], attachments: [], components: [] };
}
