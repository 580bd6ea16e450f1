import { type Config, loadConfig } from '../config.js';
import { isAppError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';

export interface CliContext {
  config: Config;
  log: Logger;
}

/**
 * Runs a command-line program: parses the config, creates the logger, runs `main` and turns its
 * outcome into an exit code. An `AppError` prints its one-line message on stderr (exit 1); anything
 * else is logged with its stack (exit 2). Results go to stdout, everything else to stderr.
 */
export async function runCli(
  name: string,
  main: (ctx: CliContext) => Promise<number | undefined>,
): Promise<void> {
  let log: Logger | undefined;
  try {
    const config = loadConfig();
    log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT }).child({
      module: `cli:${name}`,
    });
    const code = await main({ config, log });
    process.exitCode = code ?? 0;
  } catch (err) {
    if (isAppError(err)) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      if (log) log.error({ err }, 'failed');
      else process.stderr.write(`${name}: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 2;
    }
  }
}

/** Reads all of standard input as UTF-8 text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
