import { describe, expect, it } from 'vitest';
import { refreshRuns } from '../../src/search/scan.js';

/**
 * A refresh of a corpus folder whose files are names in a list: it lists the folder (a copy of the list
 * at that moment) when `list()` is called, then finishes when `finish()` is called.
 */
function fakeFolder() {
  const files: string[] = [];
  const runs: { list: () => void; finish: () => void }[] = [];
  const refresh = refreshRuns((listed) => {
    let seen: string[] = [];
    return new Promise<string[]>((resolve) => {
      runs.push({
        list: () => {
          seen = [...files];
          listed();
        },
        finish: () => resolve(seen),
      });
    });
  });
  return { files, runs, refresh };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('refreshRuns', () => {
  it('runs refreshes asked for before the folder is listed as one', async () => {
    const f = fakeFolder();
    const first = f.refresh();
    f.files.push('late-news.txt');
    const second = f.refresh();
    expect(f.runs).toHaveLength(1);
    f.runs[0]?.list();
    f.runs[0]?.finish();
    expect(await first).toEqual(['late-news.txt']);
    expect(await second).toBe(await first);
  });

  it('gives a refresh asked for after the folder was listed a run of its own that sees the new file', async () => {
    const f = fakeFolder();
    const first = f.refresh();
    f.runs[0]?.list();
    f.files.push('late-news.txt');
    const second = f.refresh();
    const third = f.refresh();
    expect(f.runs).toHaveLength(1);
    f.runs[0]?.finish();
    expect(await first).toEqual([]);
    await settle();
    // One more run, shared by both late callers, starts once the first is done.
    expect(f.runs).toHaveLength(2);
    f.runs[1]?.list();
    f.runs[1]?.finish();
    expect(await second).toEqual(['late-news.txt']);
    expect(await third).toBe(await second);
  });

  it('still runs the next refresh when the one before failed', async () => {
    let calls = 0;
    const refresh = refreshRuns(async (listed) => {
      calls++;
      listed();
      await settle();
      if (calls === 1) throw new Error('disk full');
      return calls;
    });
    const first = expect(refresh()).rejects.toThrow('disk full');
    await settle();
    const second = refresh();
    await first;
    expect(await second).toBe(2);
  });
});
