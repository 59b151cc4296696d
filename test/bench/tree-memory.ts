// The memory a group of processes holds, counted once: every physical page resident in any of
// them, whatever maps it. The agent daemon is two Node processes during a run (the supervisor and
// its run process); both map the same `node` executable, libc and so on, so adding their resident
// sets counts those pages twice, and the supervisor's private memory alone leaves out pages it
// shares with other processes than its run (other Node processes on the machine) but not with it.
// Read from /proc/PID/pagemap (the physical frame of every page; root only), so that a page two
// of them map is one page. Sums of PSS are reported beside it: they divide each shared page among
// everything mapping it on the machine (a `kasper master` on the same host takes its part of
// node's pages), so they depend on what else runs.
import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';

const PAGE = 4096;

/** The physical frames of the pages resident in `pid`, added to `frames`; false when it is gone. */
function addFrames(pid: number, frames: Set<number>, buffer: { b: Buffer }): boolean {
  let maps: string;
  let fd: number;
  try {
    maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
    fd = openSync(`/proc/${pid}/pagemap`, 'r');
  } catch {
    return false;
  }
  try {
    for (const line of maps.split('\n')) {
      const m = /^([0-9a-f]+)-([0-9a-f]+) (.)/.exec(line);
      // Reserved address space (---p: V8's cage, guard pages) has no pages; vsyscall has no entry.
      if (!m || m[3] !== 'r' || line.endsWith('[vsyscall]')) continue;
      const start = parseInt(m[1], 16) / PAGE;
      const pages = parseInt(m[2], 16) / PAGE - start;
      if (buffer.b.length < pages * 8) buffer.b = Buffer.alloc(pages * 8);
      const got = readSync(fd, buffer.b, 0, pages * 8, start * 8);
      for (let o = 0; o + 8 <= got; o += 8) {
        const hi = buffer.b.readUInt32LE(o + 4);
        // Bit 63: present in RAM; bits 0–54: the frame number.
        if (hi & 0x80000000) frames.add((hi & 0x7fffff) * 2 ** 32 + buffer.b.readUInt32LE(o));
      }
    }
    return true;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

const scratch = { b: Buffer.alloc(1 << 20) };

/** MiB resident in any of `pids`, each page once (pids gone by now count for nothing). */
export function unionMiB(pids: number[]): number {
  const frames = new Set<number>();
  for (const pid of pids) addFrames(pid, frames, scratch);
  return (frames.size * PAGE) / 2 ** 20;
}

/** A field of /proc/PID/status or smaps_rollup in MiB (0 when the process is gone). */
function field(path: string, name: string): number {
  try {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(path, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export const rssMiB = (pid: number) => field(`/proc/${pid}/status`, 'VmRSS');
export const hwmMiB = (pid: number) => field(`/proc/${pid}/status`, 'VmHWM');
export const pssMiB = (pid: number) => field(`/proc/${pid}/smaps_rollup`, 'Pss');
/** Pages mapped by this process alone (Private_Clean + Private_Dirty). */
export function privateMiB(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (n: string) => Number(new RegExp(`^${n}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return (kb('Private_Clean') + kb('Private_Dirty')) / 1024;
  } catch {
    return 0;
  }
}

/** The processes whose parent is `pid` (started by any of its threads). */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/)).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** True when pagemap gives frame numbers here (root, or CAP_SYS_ADMIN). */
export function canReadFrames(): boolean {
  return unionMiB([process.pid]) > 0;
}
