import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatMachine, type Machine } from './machine.js';

/** What one engine did on one corpus; absent figures were not measured (skipped, or not supported). */
export interface EngineFigures {
  engine: string;
  skipped?: string | undefined;
  buildS?: number;
  mbPerS?: number;
  diskMb?: number;
  coldStartMs?: number;
  loadMs?: number;
  heapMb?: number;
  rssMb?: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  hit1?: number;
  hit3?: number;
  /** Warm questions timed (fewer than asked when the engine ran out of its time budget). */
  answered?: number;
  /** Share of off-topic questions the engine declined to answer (newsdesk only). */
  offTopicRefused?: number;
  /** Share of on-topic questions it declined (newsdesk only). */
  onTopicRefused?: number;
  refresh?: { articles: number; seconds: number; longestPauseMs: number; peakRssMb?: number } | undefined;
  notes?: string[];
}

export interface CorpusReport {
  corpus: string;
  origin: string;
  articles: number;
  sentences: number;
  passages: number;
  textMb: number;
  questions: number;
  engines: EngineFigures[];
}

export interface SquadReport {
  file: string;
  paragraphs: number;
  questions: number;
  engines: EngineFigures[];
}

export interface BenchReport {
  date: string;
  mode: string;
  seed: number;
  machine: Machine;
  setups: Record<string, string>;
  corpora: CorpusReport[];
  squad?: SquadReport | undefined;
  postgres: string;
  seconds: number;
}

type Key = keyof EngineFigures;
interface Column {
  key: Key;
  title: string;
  digits: number;
  higherIsBetter?: boolean;
}

const SPEED: Column[] = [
  { key: 'buildS', title: 'build s', digits: 2 },
  { key: 'mbPerS', title: 'MB/s', digits: 2, higherIsBetter: true },
  { key: 'diskMb', title: 'disk MB', digits: 1 },
  { key: 'coldStartMs', title: 'cold ms', digits: 0 },
  { key: 'loadMs', title: 'load ms', digits: 0 },
  { key: 'heapMb', title: 'heap MB', digits: 0 },
  { key: 'rssMb', title: 'RSS MB', digits: 0 },
];
const ANSWER: Column[] = [
  { key: 'p50Ms', title: 'p50 ms', digits: 2 },
  { key: 'p95Ms', title: 'p95 ms', digits: 2 },
  { key: 'p99Ms', title: 'p99 ms', digits: 2 },
  { key: 'hit1', title: 'hit@1', digits: 3, higherIsBetter: true },
  { key: 'hit3', title: 'hit@3', digits: 3, higherIsBetter: true },
];

const num = (f: EngineFigures, key: Key) => (typeof f[key] === 'number' ? (f[key] as number) : undefined);

/** The best value among the peers (every engine but newsdesk) for one column. */
function bestPeer(rows: EngineFigures[], column: Column): number | undefined {
  const values = rows
    .filter((r) => !r.engine.startsWith('newsdesk'))
    .map((r) => num(r, column.key))
    .filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (values.length === 0) return undefined;
  return column.higherIsBetter ? Math.max(...values) : Math.min(...values);
}

function cell(f: EngineFigures, column: Column, best: number | undefined): string {
  const v = num(f, column.key);
  if (v === undefined) return '-';
  const ratio = best && best > 0 ? ` ×${formatRatio(v / best)}` : '';
  return `${v.toFixed(column.digits)}${ratio}`;
}

const formatRatio = (r: number) => (r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2));

function table(title: string, rows: EngineFigures[], columns: Column[]): string {
  const best = columns.map((c) => bestPeer(rows, c));
  const head = ['engine', ...columns.map((c) => c.title)];
  const body = rows.map((r) =>
    r.skipped
      ? [r.engine, `skipped: ${r.skipped}`]
      : [r.engine, ...columns.map((c, i) => cell(r, c, best[i]))],
  );
  const widths = head.map((h, i) =>
    Math.max(h.length, ...body.filter((b) => b.length > 2).map((b) => b[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells.length === 2 && cells[1]?.startsWith('skipped')
      ? `${cells[0]?.padEnd(widths[0] ?? 0)}  ${cells[1]}`
      : cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [title, line(head), ...body.map(line)].join('\n');
}

/** The report as the tables a person reads: each figure with its ratio to the best peer (×1 = as good). */
export function formatReport(report: BenchReport): string {
  const out: string[] = [
    `newsdesk bench ${report.date} (${report.mode}, seed ${report.seed})`,
    `machine: ${formatMachine(report.machine)}`,
    'figures: absolute, then ×ratio to the best peer (newsdesk\'s own rows excluded from "best"); lower is better except MB/s and hit@k',
    '',
  ];
  for (const c of report.corpora) {
    out.push(
      `== ${c.corpus}: ${c.articles} articles, ${c.sentences} sentences, ${c.passages} passages, ${c.textMb.toFixed(1)} MB text, ${c.questions} questions (${c.origin})`,
    );
    out.push(
      table(
        '-- build, load, memory (cold start: spawn of node to first answer, from disk)',
        c.engines,
        SPEED,
      ),
    );
    out.push(table('-- answers (warm; hit@k on the questions made from sentences)', c.engines, ANSWER));
    for (const e of c.engines) {
      if (e.offTopicRefused !== undefined)
        out.push(
          `${e.engine}: declined ${(100 * e.offTopicRefused).toFixed(0)}% of off-topic and ${(100 * (e.onTopicRefused ?? 0)).toFixed(0)}% of on-topic questions`,
        );
      if (e.refresh)
        out.push(
          `${e.engine}: refresh of ${e.refresh.articles} changed articles (1%) in the loaded bot: ${e.refresh.seconds.toFixed(2)} s with the snapshot rewritten, the event loop never paused more than ${e.refresh.longestPauseMs.toFixed(0)} ms${e.refresh.peakRssMb ? `, RSS at most ${e.refresh.peakRssMb.toFixed(0)} MB` : ''}`,
        );
      if (e.answered !== undefined && e.answered < c.questions)
        out.push(
          `${e.engine}: timed on the first ${e.answered} of ${c.questions} questions only (time budget)`,
        );
      for (const n of e.notes ?? []) out.push(`${e.engine}: ${n}`);
    }
    out.push('');
  }
  if (report.squad) {
    const s = report.squad;
    out.push(
      `== SQuAD part 1, open corpus: ${s.paragraphs} paragraphs, ${s.questions} questions (${s.file})`,
    );
    out.push(
      table('-- hit@k: a returned sentence holds the answer text', s.engines, [
        ...ANSWER,
        SPEED[0] as Column,
      ]),
    );
    out.push('');
  }
  out.push(`PostgreSQL store: ${report.postgres}`);
  out.push('setups:');
  for (const [name, setup] of Object.entries(report.setups)) out.push(`  ${name}: ${setup}`);
  out.push(`took ${report.seconds.toFixed(0)} s`);
  return out.join('\n');
}

/** Writes the report to `bench/results/<date>[-mode].json` and returns the path. */
export async function writeReport(dir: string, report: BenchReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  const suffix = report.mode === 'default' ? '' : `-${report.mode}`;
  const file = path.join(dir, `${report.date}${suffix}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
