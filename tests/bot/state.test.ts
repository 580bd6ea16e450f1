import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/bot/state.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function dir() {
  const d = await mkdtemp(path.join(tmpdir(), 'newsdesk-state-'));
  dirs.push(d);
  return d;
}

describe('StateStore', () => {
  it('lists unanswered questions most asked first, counting the same question however it is typed', async () => {
    const state = await StateStore.open(await dir());
    await state.recordUnanswered('Who is the new mayor?', new Date('2025-01-01T10:00:00Z'));
    await state.recordUnanswered('What did the council decide?', new Date('2025-01-02T10:00:00Z'));
    await state.recordUnanswered('who is the new  mayor', new Date('2025-01-03T10:00:00Z'));
    expect(state.listUnanswered()).toEqual([
      { question: 'who is the new  mayor', count: 2, lastAsked: '2025-01-03T10:00:00.000Z' },
      { question: 'What did the council decide?', count: 1, lastAsked: '2025-01-02T10:00:00.000Z' },
    ]);
  });

  it('keeps unanswered questions and feedback across restarts', async () => {
    const d = await dir();
    const first = await StateStore.open(d);
    await first.recordUnanswered('When does the bridge reopen?');
    await first.recordFeedback({ userId: '1', question: 'q', answer: 'a', helpful: false });
    const second = await StateStore.open(d);
    expect(second.listUnanswered()[0]?.question).toBe('When does the bridge reopen?');
    expect(second.feedbackCounts()).toEqual({ helpful: 0, unhelpful: 1 });
  });

  it('skips a line torn by a crash mid-write and keeps the rest', async () => {
    const d = await dir();
    const first = await StateStore.open(d);
    await first.recordUnanswered('Is the ferry running?');
    await appendFile(path.join(d, 'unanswered.jsonl'), '{"question":"Half wri');
    const second = await StateStore.open(d);
    expect(second.listUnanswered().map((q) => q.question)).toEqual(['Is the ferry running?']);
    await second.recordUnanswered('Is the ferry running?');
    expect((await StateStore.open(d)).listUnanswered()[0]?.count).toBe(2);
  });
});
