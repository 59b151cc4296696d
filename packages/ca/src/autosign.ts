// Autosigning: Puppet's autosign.conf globs, and the policy executable, run in a process group
// of its own, a few at a time, killed with its children when it takes too long.
import { spawn } from 'node:child_process';

export interface AutosignPolicy {
  /**
   * Names to sign, as lines of Puppet's autosign.conf: an exact certname; `*.example.com` (a `*`
   * as the whole leftmost label: example.com and every name under it, case-insensitive); or `*`
   * alone (every name). A `*` anywhere else is part of an exact name, so it never matches.
   * `true` signs everything (for tests only).
   */
  allow?: string[] | boolean;
  /** An executable: gets the name as its argument and the CSR PEM on stdin; exit 0 signs. */
  policyExecutable?: string;
  /** How long the executable may run (default 30 s); then it and everything it started are killed. */
  policyTimeoutMs?: number;
}

/**
 * Puppet's autosign.conf rule, as puppetserver applies it: `*` matches every name; a line starting
 * with `*.` matches the domain after it and every name under it (labels compared from the right,
 * case-insensitively); any other line is an exact certname. Lines with `#` or blanks never match.
 * (puppetserver would read `*web.example.com` as `*.example.com`; Kasper reads it as an exact
 * name, which no certname can equal, rather than widen it.)
 */
export function globMatches(glob: string, name: string): boolean {
  if (glob === '' || glob.includes('#') || /\s/.test(glob)) return false;
  if (glob === '*') return true;
  if (!glob.startsWith('*.')) return glob === name;
  const domain = glob.slice(2).toLowerCase().split('.');
  if (domain.some((label) => label === '' || label.includes('*'))) return false;
  const labels = name.toLowerCase().split('.');
  if (labels.length < domain.length) return false;
  const tail = labels.slice(labels.length - domain.length);
  return domain.every((label, i) => tail[i] === label);
}

/** At most this many autosign policy processes run at once; the rest wait their turn. */
export const MAX_POLICY_PROCESSES = 4;
/** More requests than this waiting for a policy slot are left pending at once. */
export const MAX_POLICY_QUEUE = 1000;
let policiesRunning = 0;
const policyQueue: (() => void)[] = [];

async function withPolicySlot<T>(run: () => Promise<T>): Promise<T | undefined> {
  if (policiesRunning >= MAX_POLICY_PROCESSES) {
    if (policyQueue.length >= MAX_POLICY_QUEUE) return undefined;
    await new Promise<void>((resolve) => policyQueue.push(resolve));
  } else {
    policiesRunning++;
  }
  try {
    return await run();
  } finally {
    // The slot passes straight to the next in line, if any.
    const next = policyQueue.shift();
    if (next) next();
    else policiesRunning--;
  }
}

/**
 * Runs the policy executable in a process group of its own (detached), the name as its argument and
 * the CSR on stdin. On timeout the whole group gets SIGTERM, then SIGKILL after a grace period;
 * whatever the policy leaves running when it exits is killed too, so no policy outlives its verdict.
 */
function runPolicyProcess(exe: string, name: string, pem: string, timeoutMs: number): Promise<{ ok: boolean; reason: string }> {
  return new Promise((resolve) => {
    let done = false;
    let timedOut = false;
    let term: NodeJS.Timeout | undefined;
    let kill: NodeJS.Timeout | undefined;
    const child = spawn(exe, [name], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    const signalGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch { /* the group is gone */ }
    };
    const finish = (ok: boolean, reason: string) => {
      if (done) return;
      done = true;
      clearTimeout(term);
      clearTimeout(kill);
      signalGroup('SIGKILL');
      resolve({ ok, reason: timedOut ? `policy timed out after ${timeoutMs / 1000} s` : reason });
    };
    child.on('error', (e) => finish(false, `policy could not run: ${e.message}`));
    child.on('exit', (code, signal) => finish(code === 0, code !== null ? `policy exited ${code}` : `policy killed by ${signal}`));
    term = setTimeout(() => {
      timedOut = true;
      signalGroup('SIGTERM');
      kill = setTimeout(() => signalGroup('SIGKILL'), Math.min(2000, timeoutMs));
    }, timeoutMs);
    child.stdin.on('error', () => { /* a policy that does not read its stdin */ });
    child.stdin.end(pem);
  });
}

/**
 * The policy's verdict on a request: `ok` when it exited 0. At most MAX_POLICY_PROCESSES run at once;
 * with more than MAX_POLICY_QUEUE waiting, a request gets no turn and stays pending.
 */
export async function runAutosignPolicy(exe: string, name: string, pem: string, timeoutMs: number): Promise<{ ok: boolean; reason: string }> {
  return (await withPolicySlot(() => runPolicyProcess(exe, name, pem, timeoutMs)))
    ?? { ok: false, reason: `more than ${MAX_POLICY_QUEUE} requests wait for the autosign policy` };
}
