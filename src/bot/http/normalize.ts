import {
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandInteractionDataOption,
  type APIAttachment,
  type APIInteraction,
  ApplicationCommandOptionType,
  ComponentType,
  InteractionType,
  PermissionsBitField,
} from 'discord.js';
import type { OptionValue } from '../../../commands/types.js';
import type { InteractionInput } from '../interactions.js';

/** Top-level option values by name; an attachment option becomes the attachment it resolves to. */
function optionValues(
  options: readonly APIApplicationCommandInteractionDataOption[] | undefined,
  attachments: Record<string, APIAttachment> | undefined,
): Record<string, OptionValue> {
  const values: Record<string, OptionValue> = {};
  for (const option of options ?? []) {
    if (!('value' in option) || option.value === undefined) continue;
    if (option.type === ApplicationCommandOptionType.Attachment) {
      const file = attachments?.[String(option.value)];
      if (file) {
        values[option.name] = {
          url: file.url,
          name: file.filename,
          size: file.size,
          contentType: file.content_type ?? undefined,
        };
      }
    } else {
      values[option.name] = option.value;
    }
  }
  return values;
}

/**
 * An interaction as Discord POSTs it to the HTTP endpoint (the raw API object), as the transport-neutral
 * handler sees it: the asker's permissions come from `member.permissions` (a decimal string bitfield, as
 * Discord computed it for the channel) and roles from `member.roles`; outside a server there is no member
 * and nobody is a moderator. Returns undefined for a PING, which is answered before this.
 *
 * @example inputFromPayload({ type: 2, id: '1', data: { name: 'help' }, member: { permissions: '0', … }, … })
 * // → { kind: 'command', name: 'help', options: {}, … }
 */
export function inputFromPayload(payload: APIInteraction): InteractionInput | undefined {
  if (payload.type === InteractionType.Ping) return undefined;
  const member = payload.member;
  const user = member?.user ?? payload.user;
  const base = {
    id: payload.id,
    user: { id: user?.id ?? '0', name: user?.username ?? 'unknown' },
    guildId: payload.guild_id ?? null,
    channelId: payload.channel?.id ?? payload.channel_id ?? null,
    asker: {
      permissions: member ? new PermissionsBitField(BigInt(member.permissions)).freeze() : null,
      roleIds: member?.roles ?? [],
    },
  };
  switch (payload.type) {
    case InteractionType.ApplicationCommand: {
      const data = payload.data;
      const options = 'options' in data ? data.options : undefined;
      const resolved = 'resolved' in data ? data.resolved : undefined;
      const attachments = resolved && 'attachments' in resolved ? resolved.attachments : undefined;
      return {
        ...base,
        kind: 'command',
        name: data.name,
        options: optionValues(options, attachments as Record<string, APIAttachment> | undefined),
      };
    }
    case InteractionType.ApplicationCommandAutocomplete: {
      const options = (payload.data.options ?? []) as APIApplicationCommandInteractionDataBasicOption[];
      const focused = options.find((o) => 'focused' in o && o.focused === true);
      return {
        ...base,
        kind: 'autocomplete',
        name: payload.data.name,
        focused: {
          name: focused?.name ?? '',
          value: focused && 'value' in focused ? String(focused.value) : '',
        },
      };
    }
    case InteractionType.MessageComponent:
      return payload.data.component_type === ComponentType.Button
        ? { ...base, kind: 'button', customId: payload.data.custom_id }
        : { ...base, kind: 'other' };
    default:
      return { ...base, kind: 'other' };
  }
}
