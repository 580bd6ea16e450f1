import { PermissionFlagsBits, type PermissionsBitField } from 'discord.js';
import type { Config } from '../config.js';

/** What the permission check needs to know of an asker, from an interaction or a message. */
export interface Asker {
  /** The member's permissions in the channel, as Discord computed them; null outside a server. */
  permissions: Readonly<PermissionsBitField> | null;
  roleIds: readonly string[];
}

/**
 * Whether someone may use moderator commands: the Manage Server permission, or one of the configured
 * moderator roles. Checked by the bot itself on every moderator command, so a server that loosens the
 * commands' default permissions in its settings still lets no ordinary member through. Nobody is a
 * moderator in direct messages.
 */
export function isModerator(asker: Asker, config: Pick<Config, 'MODERATOR_ROLE_IDS'>): boolean {
  if (!asker.permissions) return false;
  if (asker.permissions.has(PermissionFlagsBits.ManageGuild, true)) return true;
  return asker.roleIds.some((id) => config.MODERATOR_ROLE_IDS.includes(id));
}

/** Words for a refused moderator command. */
export const MODERATOR_REFUSAL =
  'This command is for moderators: it needs the Manage Server permission or a moderator role.';
