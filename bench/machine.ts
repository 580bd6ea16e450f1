import os from 'node:os';

/** The machine a run measured, printed above the table and stored with the results. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average at the start and end of the run: above `cores`, other work competed for the CPU. */
  loadAverageStart: number;
  loadAverageEnd?: number;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverageStart: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

export function formatMachine(m: Machine): string {
  const load = `load average ${m.loadAverageStart} at start, ${m.loadAverageEnd ?? '?'} at end`;
  const busy = Math.max(m.loadAverageStart, m.loadAverageEnd ?? 0) > m.cores;
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}; ${load}${busy ? ' (BUSY: other processes competed for the CPU; times are inflated)' : ''}`;
}
