import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { answerQuestion } from '../answer/answer.js';
import { answerToJson, answerToText } from '../answer/format.js';
import { AppError } from '../errors.js';
import { openCorpus } from './open.js';
import { runCli } from './run.js';

const USAGE = `usage: npm run ask -- "question" [--json] [--top N] [--corpus DIR]
       npm run ask -- --batch FILE [--top N] [--corpus DIR]   (one question per line, JSON Lines out)`;

await runCli('ask', async ({ config, log }) => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      batch: { type: 'string' },
      top: { type: 'string' },
      corpus: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const topK = values.top === undefined ? config.TOP_K : Number(values.top);
  if (!Number.isInteger(topK) || topK < 1 || topK > 50) {
    throw new AppError('CONFIG_INVALID', { detail: '--top expects a whole number from 1 to 50' });
  }
  let questions: string[];
  if (values.batch !== undefined) {
    let text: string;
    try {
      text = await readFile(values.batch, 'utf8');
    } catch (err) {
      throw new AppError(
        'FILE_MISSING',
        { detail: `${values.batch}: ${(err as Error).message}` },
        { cause: err },
      );
    }
    questions = text.split(/\r?\n/).filter((q) => q.trim() !== '');
  } else {
    if (positionals.length === 0) {
      process.stderr.write(`${USAGE}\n`);
      return 64;
    }
    questions = [positionals.join(' ')];
  }
  const { index, close } = await openCorpus(config, log, values.corpus ?? config.CORPUS_DIR);
  const options = { topK, threshold: config.CONFIDENCE_THRESHOLD };
  try {
    for (const question of questions) {
      const answer = await answerQuestion(index.engine, question, options);
      const json = values.json || values.batch !== undefined;
      process.stdout.write(`${json ? JSON.stringify(answerToJson(answer)) : answerToText(answer)}\n`);
    }
  } finally {
    await close();
  }
  return 0;
});
