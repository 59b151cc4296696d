// Runs a command several times and reports its median wall time and peak memory. Peak memory of a
// child is read from the kernel's rusage through python3 (which every machine here has), so
// Kasper and Puppet are measured the same way.
import { execFileSync } from 'node:child_process';

export interface Measurement {
  command: string;
  runs: number;
  medianMs: number;
  minMs: number;
  peakRssMiB: number;
  /** Median CPU time (user + system) of the runs: steadier than wall time on a shared machine. */
  cpuMs: number;
  ok: boolean;
}

const RUNNER = `
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
ms = (time.perf_counter() - t) * 1000
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(ms, r.ru_maxrss, p.returncode, (r.ru_utime + r.ru_stime) * 1000)
`;

export function measure(argv: string[], runs = 5, env: NodeJS.ProcessEnv = process.env): Measurement {
  const times: number[] = [];
  const cpu: number[] = [];
  let rss = 0;
  let ok = true;
  for (let i = 0; i < runs; i++) {
    const out = execFileSync('python3', ['-c', RUNNER, ...argv], { encoding: 'utf8', env }).trim().split(' ');
    times.push(Number(out[0]));
    cpu.push(Number(out[3]));
    rss = Math.max(rss, Number(out[1]));
    if (out[2] !== '0') ok = false;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { command: argv.join(' '), runs, medianMs: times[Math.floor(times.length / 2)], minMs: times[0], peakRssMiB: rss / 1024, cpuMs: cpu[Math.floor(cpu.length / 2)], ok };
}
