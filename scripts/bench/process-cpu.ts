import { readdirSync, readFileSync } from 'node:fs';

/** CPU time in milliseconds (user + system) of each group of processes at one moment. */
export type CpuReading = Record<string, number>;

/** /proc/<pid>/stat reports CPU in clock ticks of USER_HZ, which Linux fixes at 100 per second for user space. */
const MS_PER_TICK = 10;

interface Proc {
  pid: number;
  ppid: number;
  /** Its own CPU (utime + stime). */
  ms: number;
  /** The CPU of its children that ended and were reaped (cutime + cstime). */
  reapedMs: number;
  cmdline: string;
}

const processes = (): Proc[] => {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state ppid … utime (12th) stime cutime cstime.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.push({
        pid: Number(name),
        ppid: Number(f[1]),
        ms: (Number(f[11]) + Number(f[12])) * MS_PER_TICK,
        reapedMs: (Number(f[13]) + Number(f[14])) * MS_PER_TICK,
        cmdline,
      });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return out;
};

/**
 * The CPU of the process sandbox's own processes, from /proc (Linux only; undefined elsewhere): its city processes (the
 * supervisor's children) and its embedded PostgreSQL (the postmaster started on its data directory, every process it
 * forked that is running — backends, WAL writer, checkpointer … — and, through the postmaster's cutime and cstime, every
 * one that ended: a backend whose connection closed between two readings is still counted, once).
 */
export const sandboxCpu = (supervisorPid: number, dataDir: string): (() => CpuReading) | undefined => {
  try {
    readFileSync('/proc/self/stat');
  } catch {
    return undefined;
  }
  return () => {
    const all = processes();
    const postmasters = new Set(all.filter((p) => p.cmdline.includes('postgres') && p.cmdline.includes(dataDir)).map((p) => p.pid));
    const reading: CpuReading = { city: 0, postgres: 0 };
    for (const p of all) {
      if (p.ppid === supervisorPid && p.cmdline.includes('city-process')) reading.city! += p.ms;
      else if (postmasters.has(p.pid)) reading.postgres! += p.ms + p.reapedMs;
      else if (postmasters.has(p.ppid)) reading.postgres! += p.ms;
    }
    return reading;
  };
};

/** CPU per unit of work between two readings, per group (ms). */
export const cpuPer = (before: CpuReading, after: CpuReading, units: number): CpuReading =>
  Object.fromEntries(Object.keys(after).map((k) => [k, (after[k]! - (before[k] ?? 0)) / units]));
