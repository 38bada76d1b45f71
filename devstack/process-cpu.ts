/**
 * CPU seconds of the processes a benchmark starts, read from /proc (Linux): the bench and the
 * sizing script print them per process on every line.
 */
import fs from 'node:fs';

/** Every process's parent, from /proc. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      map.set(Number(entry), ppid);
    } catch {
      // gone
    }
  }
  return map;
}

/**
 * CPU seconds (user + system) a process and all its descendants have used, from /proc: with
 * PostgreSQL, the postmaster's backends are where the work is; with `tsx`, its node child.
 */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  // The bench's own process: not its children, which are the servers counted on their own lines.
  const tree = pid === process.pid ? new Map<number, number>() : parents();
  let total = 0;
  const stack = [pid];
  for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
    try {
      const fields = fs.readFileSync(`/proc/${at}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      // utime, stime, and cutime + cstime of children already ended (backends of closed connections).
      total += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      continue;
    }
    for (const [child, parent] of tree) if (parent === at) stack.push(child);
  }
  return total / 100;
}

/** The pid of the process whose command line contains `needle` (our own servers only). */
export function pidOf(needle: string): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle) && !cmd.includes('/proc')) return Number(entry);
    } catch {
      // gone
    }
  }
  return undefined;
}
