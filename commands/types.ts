import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Answer } from '../src/answer/types.js';
import type { BotState, QuestionLimiter } from '../src/bot/backends.js';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/log.js';
import type { ArticleSummary, LiveStore } from '../src/search/store.js';

/** What every command may use: the running program's parts. */
export interface Services {
  config: Config;
  log: Logger;
  /** The index: embedded (`LiveIndex`) or PostgreSQL (`PostgresIndex`), per `STORE`. */
  index: LiveStore;
  /** Feedback and unanswered questions: `StateStore` (files) or `PostgresState`. */
  state: BotState;
  /** The per-user question limit: `RateLimiter` (this process) or `PostgresRateLimiter` (all processes). */
  limiter: QuestionLimiter;
}

/** An attachment given to a command (a Discord attachment, or a local file in the terminal chat). */
export interface AttachmentInput {
  url: string;
  name: string;
  size: number;
  contentType?: string | undefined;
}

export type OptionValue = string | number | boolean | AttachmentInput;

/** Who asks, where, and with which options; the same whether it came from Discord or the terminal. */
export interface CommandRequest {
  user: { id: string; name: string };
  guildId: string | null;
  channelId: string | null;
  /** Whether the asker may use moderator commands (worked out by the caller, see bot/permissions.ts). */
  isModerator: boolean;
  options: Record<string, OptionValue | undefined>;
  log: Logger;
}

/**
 * What a command returns: a description of the reply, rendered by bot/render.ts for Discord and by
 * bot/console.ts for the terminal. Commands never build Discord payloads themselves.
 */
export type View =
  | {
      kind: 'answer';
      answer: Answer;
      /** Results per page. */
      perPage: number;
      page: number;
      private: boolean;
    }
  | {
      kind: 'sources';
      articles: ArticleSummary[];
      filter: string | undefined;
      page: number;
      perPage: number;
      private: boolean;
    }
  | {
      kind: 'notice';
      tone: 'info' | 'success' | 'warning' | 'error';
      title: string;
      lines: string[];
      private: boolean;
    };

export interface Choice {
  name: string;
  value: string;
}

/** A slash command: its registration data and what it does. */
export interface Command {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Moderator-only: refused for everyone else, whatever Discord's own permission settings say. */
  moderatorOnly: boolean;
  /** Acknowledge privately (ephemeral) by default. */
  privateByDefault?: boolean;
  run(request: CommandRequest, services: Services): Promise<View>;
  autocomplete?(
    request: CommandRequest,
    focused: { name: string; value: string },
    services: Services,
  ): Choice[];
}

/** A notice view, the common reply of moderator commands. */
export function notice(
  tone: 'info' | 'success' | 'warning' | 'error',
  title: string,
  lines: string[] = [],
  isPrivate = true,
): View {
  return { kind: 'notice', tone, title, lines, private: isPrivate };
}
