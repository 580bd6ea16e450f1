import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LogOptions {
  level: string;
  format: 'auto' | 'json' | 'pretty';
}

/** Paths whose values never reach a log line, wherever they appear in the logged object. */
const REDACT = [
  'token',
  '*.token',
  '*.*.token',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'DATABASE_URL',
  '*.DATABASE_URL',
];

/**
 * Secrets that can hide inside strings: a bot token, and an interaction or webhook token in a URL (a
 * failed Discord request's error names the URL it called).
 */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b[MNO][A-Za-z\d_-]{23,27}\.[\w-]{6}\.[\w-]{27,40}\b/g, '[redacted]'],
  [/\/(webhooks|interactions)\/(\d{15,21})\/[A-Za-z0-9_.-]{20,}/g, '/$1/$2/[redacted]'],
];

/** A string with every secret the patterns know replaced. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** pino's error serializer, with secrets scrubbed from every string field (message, stack, url…). */
function serializeError(err: unknown): unknown {
  const serialized = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (!serialized || typeof serialized !== 'object') return serialized;
  for (const [key, value] of Object.entries(serialized)) {
    if (typeof value === 'string') serialized[key] = scrubSecrets(value);
  }
  return serialized;
}

/**
 * Creates the root logger: JSON lines on stderr in production and pipes, readable lines when stderr is a
 * terminal (or `format: 'pretty'`). Stdout stays free for command output. Components take
 * `root.child({ module })`, requests `child({ interaction: id })`.
 */
export function createLogger(options: LogOptions): Logger {
  const pretty = options.format === 'pretty' || (options.format === 'auto' && process.stderr.isTTY === true);
  const base = {
    level: options.level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: undefined,
    serializers: { err: serializeError },
  };
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { destination: 2, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' },
      },
    });
  }
  return pino(base, pino.destination({ fd: 2, sync: true }));
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
