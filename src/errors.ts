/**
 * Error codes of newsdesk, one table for the whole program. Code paths throw `AppError` with a code and
 * a context object; the CLI and the bot map codes to words for people. "No confident answer" is a
 * normal result, never an error.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: 'A configuration value is wrong',
  FILE_MISSING: 'The file does not exist',
  FILE_UNREADABLE: 'The file could not be read',
  FILE_EMPTY: 'The file is empty',
  FILE_BINARY: 'The file is not text',
  FILE_TOO_LARGE: 'The file is larger than the configured limit',
  FILE_OUTSIDE_CORPUS: 'The file lies outside the corpus folder',
  FRONT_MATTER_INVALID: 'The front-matter is not valid',
  CORPUS_MISSING: 'The corpus folder does not exist',
  CORPUS_EMPTY: 'The corpus folder holds no article',
  ARTICLE_NOT_FOUND: 'No such article',
  ARTICLE_NO_TEXT: 'No article text was found',
  SNAPSHOT_CORRUPT: 'The index snapshot is damaged',
  SNAPSHOT_MISMATCH: 'The index snapshot was built with other settings',
  FETCH_REFUSED: 'The address is not allowed',
  FETCH_FAILED: 'The address did not answer',
  FETCH_TIMEOUT: 'The address took too long to answer',
  FETCH_TOO_LARGE: 'The page is larger than the configured limit',
  FETCH_BAD_TYPE: 'The page is not HTML or text',
  QUESTION_EMPTY: 'The question is empty',
  QUESTION_TOO_LONG: 'The question is too long',
  PERMISSION_DENIED: 'You are not allowed to do this',
  RATE_LIMITED: 'Too many questions',
  INTERNAL: 'Something went wrong',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error type of newsdesk: a code from `ERROR_CODES` plus what the code needs to be explained. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly context: Record<string, unknown>;

  constructor(code: ErrorCode, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    const detail = typeof context.detail === 'string' ? `: ${context.detail}` : '';
    super(`${ERROR_CODES[code]}${detail}`, options);
    this.name = 'AppError';
    this.code = code;
    this.context = context;
  }
}

/** Whether `value` is an AppError, optionally with the given code. */
export function isAppError(value: unknown, code?: ErrorCode): value is AppError {
  return value instanceof AppError && (code === undefined || value.code === code);
}
