import { addArticle } from './add-article.js';
import { ask } from './ask.js';
import { help } from './help.js';
import { reindex } from './reindex.js';
import { removeArticle } from './remove-article.js';
import { sources } from './sources.js';
import type { Command } from './types.js';
import { unanswered } from './unanswered.js';

/** Every slash command, in the order Discord lists them. Registered by `npm run deploy-commands`. */
export const COMMANDS: readonly Command[] = [
  ask,
  sources,
  help,
  reindex,
  addArticle,
  removeArticle,
  unanswered,
];

/** The command with this name. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.data.name === name);
}
