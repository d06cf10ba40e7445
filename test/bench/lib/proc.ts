// CPU time from /proc (Linux): one thread's or one process's, per its `stat` file.
import { readFileSync } from 'node:fs';

/**
 * User + system CPU (ms) in `/proc/.../stat` file `path` (clock ticks of 10 ms: USER_HZ 100); NaN where it cannot be
 * read (the thread is gone, or not Linux).
 */
export function statCpuMs(path: string): number {
  try {
    const stat = readFileSync(path, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}
