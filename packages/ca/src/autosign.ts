// Autosigning: Puppet's autosign.conf globs, and the policy executable, run in a process group
// of its own, a few at a time, killed with its children when it takes too long.
import { runHook, Slots } from '@kasper/hooks';

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
const slots = new Slots(MAX_POLICY_PROCESSES, MAX_POLICY_QUEUE);

/**
 * The policy's verdict on a request: `ok` when it exited 0. It runs as a hook (its own process
 * group, killed with everything it started on timeout or when it exits), at most
 * MAX_POLICY_PROCESSES at once; with more than MAX_POLICY_QUEUE waiting, a request gets no turn
 * and stays pending.
 */
export async function runAutosignPolicy(exe: string, name: string, pem: string, timeoutMs: number): Promise<{ ok: boolean; reason: string }> {
  const r = await slots.run(() => runHook(exe, [name], { stdin: pem, timeoutMs }));
  if (!r) return { ok: false, reason: `more than ${MAX_POLICY_QUEUE} requests wait for the autosign policy` };
  return { ok: r.code === 0, reason: `policy ${r.reason}` };
}
