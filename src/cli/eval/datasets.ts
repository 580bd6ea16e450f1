import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Article, Sentence } from '../../corpus/article.js';
import { articleIdFromPath } from '../../corpus/load.js';
import { AppError } from '../../errors.js';
import { splitArticleSentences } from '../../text/sentences.js';

/** One answer-selection question: its candidate sentences form one article, labels say which answer. */
export interface SelectionItem {
  questionId: string;
  question: string;
  article: Article;
  /** Label of each sentence of `article`, by sentence index. */
  labels: boolean[];
}

/** One open-corpus question with its gold answer texts. */
export interface OpenItem {
  question: string;
  answers: string[];
  /** The title of the article the question was written on (SQuAD's article, not the paragraph). */
  title: string;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new AppError('FILE_MISSING', { detail: `${file} (is ../shared/eval/ present?)` }, { cause: err });
  }
}

/**
 * An article made of given sentences, each its own paragraph, so the splitter never re-splits a
 * candidate: evaluation ranks exactly the sentences the data set lists.
 */
export function articleOfSentences(id: string, title: string, texts: string[]): Article {
  const parts = texts.map((t) => t.replace(/\s+/g, ' ').trim() || '.');
  const text = parts.join('\n\n');
  let offset = 0;
  const sentences: Sentence[] = parts.map((t, i) => {
    const s = { articleId: id, index: i, paragraph: i + 1, start: offset, end: offset + t.length, text: t };
    offset += t.length + 2;
    return s;
  });
  return { id, path: id, meta: { title, source: 'eval' }, paragraphs: parts, text, sentences, hash: id };
}

/** WikiQA TSV: candidates in document order, the article titled with DocumentTitle when present. */
export async function readWikiQa(file: string): Promise<SelectionItem[]> {
  const rows = (await readText(file)).split(/\r?\n/).filter(Boolean);
  const header = rows.shift()?.split('\t') ?? [];
  const col = (name: string) => header.indexOf(name);
  const [qid, q, title, sentence, label] = [
    'QuestionID',
    'Question',
    'DocumentTitle',
    'Sentence',
    'Label',
  ].map(col);
  if (qid === undefined || qid < 0 || q! < 0 || sentence! < 0 || label! < 0) {
    throw new AppError('FILE_UNREADABLE', { detail: `${file}: not a WikiQA TSV` });
  }
  const groups = new Map<string, { question: string; title: string; texts: string[]; labels: boolean[] }>();
  for (const row of rows) {
    const cells = row.split('\t');
    const id = cells[qid] ?? '';
    let g = groups.get(id);
    if (!g) {
      g = {
        question: cells[q!] ?? '',
        title: (title! >= 0 ? cells[title!] : undefined) ?? '',
        texts: [],
        labels: [],
      };
      groups.set(id, g);
    }
    g.texts.push(cells[sentence!] ?? '');
    g.labels.push(cells[label!]?.trim() === '1');
  }
  return [...groups].map(([id, g]) => ({
    questionId: id,
    question: g.question,
    article: articleOfSentences(articleIdFromPath(`wikiqa-${id}`), g.title, g.texts),
    labels: g.labels,
  }));
}

/**
 * TrecQA CSV (`qtext,label,atext`, a question's rows consecutive). The file lists correct candidates
 * first, so the article orders candidates by a hash of their text: position must carry no label.
 */
export async function readTrecQa(file: string): Promise<SelectionItem[]> {
  const records = parse(await readText(file), {
    columns: true,
    skip_empty_lines: true,
    relax_quotes: true,
  }) as {
    qtext: string;
    label: string;
    atext: string;
  }[];
  const groups: { question: string; rows: { text: string; label: boolean }[] }[] = [];
  for (const r of records) {
    const last = groups.at(-1);
    const row = { text: r.atext, label: r.label.trim() === '1' };
    if (last && last.question === r.qtext) last.rows.push(row);
    else groups.push({ question: r.qtext, rows: [row] });
  }
  return groups.map((g, i) => {
    const rows = [...g.rows].sort((a, b) => fnv(a.text) - fnv(b.text));
    return {
      questionId: `T${i + 1}`,
      question: g.question,
      article: articleOfSentences(
        `trecqa-${i + 1}`,
        g.question,
        rows.map((r) => r.text),
      ),
      labels: rows.map((r) => r.label),
    };
  });
}

function fnv(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** SQuAD v1.1 JSON: every paragraph an article titled with its SQuAD article title; every question. */
export async function readSquad(file: string): Promise<{ articles: Article[]; items: OpenItem[] }> {
  let data: {
    data: {
      title: string;
      paragraphs: { context: string; qas: { question: string; answers: { text: string }[] }[] }[];
    }[];
  };
  try {
    data = JSON.parse(await readText(file));
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('FILE_UNREADABLE', { detail: `${file}: not JSON` }, { cause: err });
  }
  const articles: Article[] = [];
  const items: OpenItem[] = [];
  for (const doc of data.data) {
    const title = doc.title.replace(/_/g, ' ');
    doc.paragraphs.forEach((p, i) => {
      const id = articleIdFromPath(`${doc.title}-${i}`);
      const paragraphs = p.context
        .split(/\n+/)
        .map((x) => x.trim())
        .filter(Boolean);
      const { text, sentences } = splitArticleSentences(id, paragraphs);
      articles.push({
        id,
        path: id,
        meta: { title, source: 'SQuAD' },
        paragraphs,
        text,
        sentences,
        hash: id,
      });
      for (const qa of p.qas) {
        items.push({ question: qa.question, answers: qa.answers.map((a) => a.text), title });
      }
    });
  }
  return { articles, items };
}
