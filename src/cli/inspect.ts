import { parseArgs } from 'node:util';
import { cleanText } from '../corpus/clean.js';
import { readArticleFileDetailed } from '../corpus/load.js';
import { AppError } from '../errors.js';
import { readStdin, runCli } from './run.js';

const USAGE = `usage: npm run inspect -- <file> [--dropped] [--sentences]
       npm run inspect -- --stdin          (raw text in, kept paragraphs out, one per line)`;

await runCli('inspect', async ({ config }) => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      dropped: { type: 'boolean', default: false },
      sentences: { type: 'boolean', default: false },
      stdin: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.stdin) {
    const { paragraphs } = cleanText(await readStdin());
    process.stdout.write(paragraphs.length ? `${paragraphs.join('\n')}\n` : '');
    return 0;
  }
  const file = positionals[0];
  if (!file) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const { article, dropped } = await readArticleFileDetailed(file, { maxBytes: config.MAX_ARTICLE_BYTES });
  const out: string[] = [];
  const m = article.meta;
  out.push(`id:        ${article.id}`, `title:     ${m.title}`, `source:    ${m.source}`);
  if (m.url) out.push(`url:       ${m.url}`);
  if (m.published) out.push(`published: ${m.published}`);
  if (m.author) out.push(`author:    ${m.author}`);
  out.push(`paragraphs: ${article.paragraphs.length}, sentences: ${article.sentences.length}`, '');
  if (values.sentences) {
    for (const s of article.sentences) out.push(`[${s.paragraph}] ${s.start}-${s.end}  ${s.text}`);
  } else {
    article.paragraphs.forEach((p, i) => {
      out.push(`[${i + 1}] ${p}`);
    });
  }
  if (values.dropped) {
    out.push('', `dropped lines: ${dropped.length}`);
    for (const d of dropped) out.push(`  - (${d.rule}) ${d.line}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  if (article.paragraphs.length === 0) throw new AppError('ARTICLE_NO_TEXT', { detail: file });
  return 0;
});
