import type { APIUser } from 'discord.js';
import { nextSnowflake } from './snowflake.js';

/** Permission bits the fake needs by name (a subset of Discord's table; values are Discord's). */
export const Permission = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ChangeNickname: 1n << 26n,
  UseApplicationCommands: 1n << 31n,
  SendMessagesInThreads: 1n << 38n,
} as const;

/** Every permission bit Discord currently defines; what an administrator effectively has. */
export const ALL_PERMISSIONS = (1n << 51n) - 1n;

/** What a fresh guild's @everyone role gets on Discord today (close enough for permission checks). */
export const DEFAULT_EVERYONE_PERMISSIONS =
  Permission.CreateInstantInvite |
  Permission.AddReactions |
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.UseExternalEmojis |
  Permission.ChangeNickname |
  Permission.UseApplicationCommands |
  Permission.SendMessagesInThreads;

/** What the bot's managed role gets from a typical invite link for a read-and-reply bot. */
export const DEFAULT_BOT_PERMISSIONS =
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.SendMessagesInThreads |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.AddReactions;

export const ChannelType = {
  GuildText: 0,
  DM: 1,
  GuildVoice: 2,
  GuildCategory: 4,
  GuildAnnouncement: 5,
} as const;

export interface FakeRole {
  id: string;
  name: string;
  color: number;
  colors: { primary_color: number; secondary_color: null; tertiary_color: null };
  hoist: boolean;
  icon: null;
  unicode_emoji: null;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  flags: number;
  tags?: { bot_id: string };
}

export interface FakeChannel {
  id: string;
  type: number;
  guild_id?: string;
  name?: string;
  position?: number;
  permission_overwrites?: unknown[];
  parent_id?: string | null;
  topic?: string | null;
  nsfw?: boolean;
  last_message_id: string | null;
  rate_limit_per_user?: number;
  recipients?: APIUser[];
  flags: number;
}

export interface FakeMember {
  user: APIUser;
  nick: string | null;
  avatar: null;
  banner: null;
  roles: string[];
  joined_at: string;
  premium_since: null;
  deaf: boolean;
  mute: boolean;
  flags: number;
  pending: boolean;
  communication_disabled_until: null;
}

export interface FakeGuild {
  id: string;
  name: string;
  owner_id: string;
  roles: FakeRole[];
  channels: FakeChannel[];
  members: FakeMember[];
}

/** How a test describes a guild; everything has a default so `{}` is a valid guild. */
export interface GuildOptions {
  id?: string;
  name?: string;
  /** Text channels by default; the first text channel is the one `server.channel` points at. */
  channels?: Array<{ id?: string; name: string; type?: number; topic?: string }>;
  /** Extra roles besides @everyone and the bot's managed role. `permissions` is a bitfield. */
  roles?: Array<{ id?: string; name: string; permissions?: bigint | string }>;
  /** Human members; `roles` may name roles by name or id. The bot is always a member. */
  members?: Array<{ user: UserOptions; roles?: string[]; nick?: string }>;
  /** Permissions of @everyone, as a bitfield. */
  everyonePermissions?: bigint | string;
  /** Permissions of the bot's managed role, as a bitfield. */
  botPermissions?: bigint | string;
}

export interface UserOptions {
  id?: string;
  username: string;
  global_name?: string | null;
  bot?: boolean;
}

/** Returns a user object shaped like the ones Discord sends in v10 (pomelo usernames, discriminator "0"). */
export function buildUser(options: UserOptions): APIUser {
  return {
    id: options.id ?? nextSnowflake(),
    username: options.username,
    discriminator: '0',
    global_name: options.global_name ?? null,
    avatar: null,
    avatar_decoration_data: null,
    ...(options.bot ? { bot: true } : {}),
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    primary_guild: null,
  } as unknown as APIUser;
}

/** Returns a guild member object (the shape inside GUILD_CREATE `members`). */
export function buildMember(user: APIUser, roles: string[], nick: string | null = null): FakeMember {
  return {
    user,
    nick,
    avatar: null,
    banner: null,
    roles,
    joined_at: new Date(Date.now() - 86_400_000).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

function buildRole(id: string, name: string, permissions: bigint, position: number): FakeRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0,
  };
}

function toBits(value: bigint | string | undefined, fallback: bigint): bigint {
  return value === undefined ? fallback : BigInt(value);
}

/**
 * Returns a guild built from test options: @everyone (id = guild id, as on Discord), the bot's managed
 * role, the requested roles, text channels and members (the bot is always one of them).
 */
export function buildGuild(options: GuildOptions, bot: APIUser, users: Map<string, APIUser>): FakeGuild {
  const id = options.id ?? nextSnowflake();
  const everyone = buildRole(
    id,
    '@everyone',
    toBits(options.everyonePermissions, DEFAULT_EVERYONE_PERMISSIONS),
    0,
  );
  const botRole = {
    ...buildRole(nextSnowflake(), bot.username, toBits(options.botPermissions, DEFAULT_BOT_PERMISSIONS), 1),
    managed: true,
    tags: { bot_id: bot.id },
  };
  const extraRoles = (options.roles ?? []).map((role, index) =>
    buildRole(role.id ?? nextSnowflake(), role.name, toBits(role.permissions, 0n), index + 2),
  );
  const roles = [everyone, botRole, ...extraRoles];
  const roleId = (ref: string): string => {
    const found = roles.find((role) => role.id === ref || role.name === ref);
    if (!found) throw new Error(`guild ${options.name ?? id}: unknown role "${ref}"`);
    return found.id;
  };

  const channelSpecs = options.channels ?? [{ name: 'news' }, { name: 'general' }];
  const channels: FakeChannel[] = channelSpecs.map((spec, position) => ({
    id: spec.id ?? nextSnowflake(),
    type: spec.type ?? ChannelType.GuildText,
    guild_id: id,
    name: spec.name,
    position,
    permission_overwrites: [],
    parent_id: null,
    topic: spec.topic ?? null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  }));

  const memberSpecs = options.members ?? [{ user: { username: 'reader', global_name: 'Reader' } }];
  const members = [
    buildMember(bot, [botRole.id]),
    ...memberSpecs.map((spec) => {
      const user = users.get(spec.user.id ?? '') ?? buildUser(spec.user);
      users.set(user.id, user);
      return buildMember(user, (spec.roles ?? []).map(roleId), spec.nick ?? null);
    }),
  ];
  const owner = members[1]?.user ?? bot;

  return { id, name: options.name ?? 'Newsroom', owner_id: owner.id, roles, channels, members };
}

/** Returns the permission bitfield a member has in a guild (roles OR-ed, administrator means everything). */
export function memberPermissions(guild: FakeGuild, roleIds: readonly string[], userId?: string): bigint {
  if (userId !== undefined && userId === guild.owner_id) return ALL_PERMISSIONS;
  let bits = 0n;
  for (const role of guild.roles) {
    if (role.id === guild.id || roleIds.includes(role.id)) bits |= BigInt(role.permissions);
  }
  return bits & Permission.Administrator ? ALL_PERMISSIONS : bits;
}

/**
 * Returns the GUILD_CREATE payload for a guild: every field discord.js's `Guild#_patch` reads, with the
 * arrays it iterates present (empty where the fake has nothing to say).
 */
export function guildCreatePayload(guild: FakeGuild): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.owner_id,
    region: 'us-east',
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 2,
    roles: guild.roles,
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: guild.channels[0]?.id ?? null,
    system_channel_flags: 0,
    rules_channel_id: null,
    max_presences: null,
    max_members: 500_000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: 0,
    nsfw: false,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    incidents_data: null,
    hub_type: null,
    latest_onboarding_question_id: null,
    inventory_settings: null,
    home_header: null,
    version: Date.now(),
    // GUILD_CREATE-only fields.
    joined_at: guild.members[0]?.joined_at ?? new Date().toISOString(),
    large: false,
    unavailable: false,
    lazy: true,
    member_count: guild.members.length,
    voice_states: [],
    members: guild.members,
    channels: guild.channels.map(({ guild_id: _omit, ...channel }) => channel),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    embedded_activities: [],
    activity_instances: [],
    application_command_counts: {},
  };
}
