import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from '../support/bot.js';
import { Permission } from '../support/discord-server.js';

/**
 * Moderator commands against the real wiring, for the askers the bot's own check must tell apart. The
 * fake, like a server whose settings opened the commands to everyone, delivers every command whatever
 * `default_member_permissions` says: only the bot's check stands between a member and the command.
 */

const DESK_ROLE = '345678901234567890';
const MODERATOR_COMMANDS = ['reindex', 'unanswered', 'add-article', 'remove-article'] as const;
const EVERYDAY = Permission.ViewChannel | Permission.SendMessages | Permission.ReadMessageHistory;

let bot: Awaited<ReturnType<typeof startBot>>;
/** A member who is not the guild's owner (the fake's default user owns the guild, with every permission). */
let member: ReturnType<typeof bot.server.createUser>;
beforeAll(async () => {
  bot = await startBot(
    { MODERATOR_ROLE_IDS: DESK_ROLE },
    {
      guilds: [
        {
          everyonePermissions: EVERYDAY,
          roles: [
            // Many permissions, none of them Manage Server: still no moderator.
            {
              name: 'Reporter',
              permissions:
                EVERYDAY | Permission.ManageMessages | Permission.ManageChannels | Permission.MentionEveryone,
            },
            { id: DESK_ROLE, name: 'Desk editor', permissions: EVERYDAY },
            { name: 'Admin', permissions: Permission.Administrator },
          ],
        },
      ],
    },
  );
  member = bot.server.createUser({ username: 'member' });
});
afterAll(() => bot?.stop());

const optionsOf = (name: string): Record<string, string> =>
  name === 'add-article'
    ? { url: 'https://news.example.org/a' }
    : name === 'remove-article'
      ? { article: 'river-flood' }
      : {};

async function run(name: string, who: { roles?: string[]; dm?: boolean; permissions?: string }) {
  const { id } = bot.server.sendInteraction({
    type: 'command',
    name,
    options: optionsOf(name),
    user: member,
    ...who,
  });
  return bot.server.waitForInteractionResponse(id, { timeoutMs: 8000 });
}

const refused = (reply: Awaited<ReturnType<typeof run>>) =>
  (reply.flags ?? 0) === 64 && /for moderators/.test(reply.embeds?.[0]?.description ?? '');

describe('moderator commands', () => {
  it.each(MODERATOR_COMMANDS)(
    'refuses /%s to a member with roles, none of them the moderator role',
    async (name) => {
      expect(refused(await run(name, { roles: ['Reporter'] }))).toBe(true);
    },
  );

  it.each(MODERATOR_COMMANDS)('refuses /%s in a direct message, whoever sends it', async (name) => {
    expect(refused(await run(name, { dm: true }))).toBe(true);
  });

  it.each(MODERATOR_COMMANDS)(
    'refuses /%s to a member whom Discord lets run it (permissions 0)',
    async (name) => {
      expect(refused(await run(name, { permissions: '0', roles: [] }))).toBe(true);
    },
  );

  it('lets a member with a MODERATOR_ROLE_IDS role run them, without Manage Server', async () => {
    const reply = await run('unanswered', { roles: ['Desk editor'] });
    expect(refused(reply)).toBe(false);
    expect(reply.embeds?.[0]?.title).toBeTruthy();
  });

  it('lets an administrator run them (Administrator implies Manage Server)', async () => {
    expect(refused(await run('unanswered', { roles: ['Admin'] }))).toBe(false);
  });

  it('answers a member’s autocomplete of /remove-article with choices and changes nothing', async () => {
    const before = (await readdir(bot.corpus.corpusDir)).sort();
    const { id } = bot.server.sendInteraction({
      type: 'autocomplete',
      name: 'remove-article',
      options: { article: 'river' },
      focused: 'article',
      user: member,
      roles: ['Reporter'],
    });
    const choices = await bot.server.waitForAutocompleteChoices(id);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect((await readdir(bot.corpus.corpusDir)).sort()).toEqual(before);
    expect(bot.services.index.engine.listArticles()).toHaveLength(4);
    // The choice only fills the option: running the command with it is refused as above.
    expect(refused(await run('remove-article', { roles: ['Reporter'] }))).toBe(true);
    expect((await readdir(bot.corpus.corpusDir)).sort()).toEqual(before);
  });
});
