import { open } from 'node:fs/promises';

/** Makes a folder's new entries durable; some platforms cannot fsync a folder, which is not an error. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // EISDIR/EPERM/EINVAL on platforms without directory fsync.
  }
}
