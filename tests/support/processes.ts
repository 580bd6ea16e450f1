import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach } from 'vitest';

/** Clean-ups a test registers, run after each test, last registered first. */
export function cleanupScope(): (() => Promise<unknown>)[] {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(() => runCleanups(cleanups));
  return cleanups;
}

/**
 * Child processes and clean-ups a test file starts, ended after each test: children still running get
 * SIGTERM (and are waited for), then the clean-ups run, last registered first.
 */
export function processScope(): { children: ChildProcess[]; cleanups: (() => Promise<unknown>)[] } {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    await runCleanups(cleanups);
  });
  return { children, cleanups };
}

async function runCleanups(cleanups: (() => Promise<unknown>)[]): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}
