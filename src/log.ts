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
