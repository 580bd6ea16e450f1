import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach } from 'vitest';

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
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return { children, cleanups };
}
