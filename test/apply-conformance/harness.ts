// The differential procedure for resource types, the same for Puppet (recorded once, by
// record.ts) and for Kasper (apply-conformance.test.ts): a case's manifest is applied to a fresh
// temporary root (and, for crontabs, a test user's crontab), applied again, the target drifted
// by the case's drift.sh, and applied in noop. What is compared: the notices each run printed
// about resources, and the files (and crontab) left after the first run and after the noop run.
// Paths under the root and the test user's name are written @ROOT@ and @USER@.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const CASES = join(import.meta.dirname, 'cases');

export interface RunOutput {
  /** Log lines as `level: source: message` (Kasper's) or Puppet's console lines. */
  lines: string[];
}

/** Applies a manifest (noop or not) and returns what it printed. */
export type Applier = (manifest: string, noop: boolean, work: string, root: string) => Promise<RunOutput>;

export interface CaseResult {
  run1: string;
  run2: string;
  noop: string;
  tree1: string;
  tree2: string;
}

export function caseNames(only: string[] = []): string[] {
  const all = readdirSync(CASES).filter((n) => existsSync(join(CASES, n, 'site.pp'))).sort();
  return only.length ? all.filter((n) => only.includes(n)) : all;
}

/** Whether a case needs a crontab user (its manifest names @USER@). */
export function needsUser(name: string): boolean {
  return readFileSync(join(CASES, name, 'site.pp'), 'utf8').includes('@USER@')
    || (existsSync(join(CASES, name, 'drift.sh')) && readFileSync(join(CASES, name, 'drift.sh'), 'utf8').includes('USER'));
}

/** Test users this process made, removed again by removeTestUsers() (the suite's `after`). */
const madeUsers = new Set<string>();

/** Makes sure the local test user exists, with no crontab. */
export function prepareUser(user: string): void {
  try {
    execFileSync('id', [user], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-M', '-s', '/usr/sbin/nologin', user], { stdio: 'ignore' });
    madeUsers.add(user);
  }
  try { execFileSync('crontab', ['-u', user, '-r'], { stdio: 'ignore' }); } catch { /* none */ }
}

/** Removes the test users this process made, and their crontabs: a test run leaves no accounts behind. */
export function removeTestUsers(): void {
  for (const user of madeUsers) {
    try { execFileSync('crontab', ['-u', user, '-r'], { stdio: 'ignore' }); } catch { /* none */ }
    try { execFileSync('userdel', [user], { stdio: 'ignore' }); } catch { /* already gone */ }
    madeUsers.delete(user);
  }
}

function crontabOf(user: string): string {
  try {
    return execFileSync('crontab', ['-u', user, '-l'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '(no crontab)\n';
  }
}

/** Every file, folder and link under root with its content, and the test user's crontab. */
export function dumpTree(root: string, user?: string): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      const rel = relative(root, p);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.push(`== ${rel} -> ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`== ${rel}/ (${(st.mode & 0o7777).toString(8)})`);
        walk(p);
      } else {
        const bytes = readFileSync(p);
        const text = bytes.includes(0) ? `(${bytes.length} bytes, md5 ${createHash('md5').update(bytes).digest('hex')})\n` : withoutHeader(bytes.toString('utf8'));
        out.push(`== ${rel} (${(st.mode & 0o7777).toString(8)})\n${text}`);
      }
    }
  };
  walk(root);
  const mounts = mountsUnder(root);
  if (mounts) out.push(`== mounted\n${mounts}`);
  if (user) out.push(`== crontab of @USER@\n${withoutHeader(crontabOf(user))}`);
  return normalize(out.join('\n'), root, user);
}

/** Puppet's `# HEADER:` lines carry the time they were written, and Kasper writes its own: neither is compared. */
function withoutHeader(text: string): string {
  return text.split('\n').filter((l) => !l.startsWith('# HEADER:')).join('\n');
}

/** Puppet's and Kasper's notices about resources, in one form: `/Stage[main]/Main/Host[a]/ensure: created`. */
export function resourceLines(lines: string[], root: string, user?: string): string {
  const out: string[] = [];
  for (const l of lines) {
    const m = /^(?:Notice|notice): (\/.*?): ([\s\S]*)$/.exec(l);
    if (m) {
      // The class and stage refresh notices of a noop run are Puppet's bookkeeping, not the type's.
      if (/\/(Class|Stage)\[[^\]]*\]$|^\/Stage\[main\]$/.test(m[1]) || /^\/Stage\[main\]\/[^/]+$/.test(m[1])) continue;
      out.push(`${m[1]}: ${m[2]}`);
      continue;
    }
    const e = /^(?:Error|err): (\/.*?): /.exec(l);
    if (e) out.push(`${e[1]}: FAILED`);
  }
  return normalize(out.sort().join('\n'), root, user);
}

/** The root, the test user and times written as placeholders. */
export function normalize(text: string, root: string, user?: string): string {
  let t = text.split(root).join('@ROOT@');
  if (user) t = t.replace(new RegExp(`\\b${user}\\b`, 'g'), '@USER@');
  return t;
}

/** A case's manifest with its placeholders filled in. */
export function manifestOf(name: string, root: string, user: string): string {
  return readFileSync(join(CASES, name, 'site.pp'), 'utf8').replaceAll('@ROOT@', root).replaceAll('@USER@', user);
}

/** Files copied from before/ name the root and the user as the manifest does. */
function fillPlaceholders(dir: string, root: string, user: string): void {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const st = lstatSync(p);
    if (st.isDirectory()) fillPlaceholders(p, root, user);
    else if (st.isFile()) {
      const text = readFileSync(p, 'utf8');
      if (text.includes('@ROOT@') || text.includes('@USER@')) writeFileSync(p, text.replaceAll('@ROOT@', root).replaceAll('@USER@', user));
    }
  }
}

/** What is mounted under root: mount point, type and the options that say what was asked (size, mode). */
function mountsUnder(root: string): string {
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const [, target, fstype, options] = line.split(' ');
    if (!target?.startsWith(`${root}/`)) continue;
    const kept = options.split(',').filter((o) => /^(ro|rw|size=|mode=|nr_inodes=)/.test(o)).join(',');
    out.push(`${target.replaceAll('\\040', ' ')} ${fstype} ${kept}`);
  }
  return out.sort().join('\n');
}

/**
 * Cases that mount file systems (mount-*) or purge what /etc lists (purge-*) run in a mount
 * namespace of their own, the latter with a private /etc.
 */
export const inNamespace = (name: string) => /^(mount|purge)-/.test(name);

let etcCopy: string | undefined;
let spoolCopy: string | undefined;

/** Unbinds the private /etc and spool and removes their copies (before the namespace ends: they are on the real /tmp). */
export function releasePrivateEtc(): void {
  if (spoolCopy) {
    execFileSync('umount', ['-l', '/var/spool/cron/crontabs']);
    rmSync(spoolCopy, { recursive: true, force: true });
    spoolCopy = undefined;
  }
  if (etcCopy) {
    execFileSync('umount', ['-l', '/etc']);
    rmSync(etcCopy, { recursive: true, force: true });
    etcCopy = undefined;
  }
}
/**
 * In a mount namespace: a private copy of /etc bound over /etc (once), with the case's etc/
 * files (passwd, group, shadow, hosts …) over the copies, so purging touches nothing real.
 */
export function privateEtc(caseEtc?: string): string {
  if (!etcCopy) {
    etcCopy = mkdtempSync(join(tmpdir(), 'kasper-ac-etc-'));
    execFileSync('cp', ['-a', '/etc/.', etcCopy]);
    execFileSync('mount', ['--bind', etcCopy, '/etc']);
    // And an empty crontab spool of its own (same owner and mode), so purging cron jobs touches no real crontab.
    if (existsSync('/var/spool/cron/crontabs')) {
      spoolCopy = mkdtempSync(join(tmpdir(), 'kasper-ac-spool-'));
      const spool = join(spoolCopy, 'crontabs');
      execFileSync('cp', ['-a', '/var/spool/cron/crontabs', spool]);
      for (const f of readdirSync(spool)) rmSync(join(spool, f), { force: true });
      execFileSync('mount', ['--bind', spool, '/var/spool/cron/crontabs']);
    }
  }
  if (caseEtc && existsSync(caseEtc)) for (const n of readdirSync(caseEtc)) cpSync(join(caseEtc, n), join('/etc', n));
  return etcCopy;
}

/** The /etc files a purge case lists in its etc/, as they are now. */
function etcDump(name: string): string {
  const dir = join(CASES, name, 'etc');
  if (!existsSync(dir)) return '';
  return readdirSync(dir).sort().filter((n) => !/shadow/.test(n)).map((n) => `\n== /etc/${n}\n${withoutHeader(readFileSync(join('/etc', n), 'utf8'))}`).join('');
}

/** Runs the procedure for one case with one applier. */
export async function runCase(name: string, apply: Applier, user: string): Promise<CaseResult> {
  const dir = join(CASES, name);
  const root = mkdtempSync(join(tmpdir(), 'kasper-ac-'));
  const work = mkdtempSync(join(tmpdir(), 'kasper-ac-work-'));
  const u = needsUser(name) ? user : undefined;
  try {
    if (existsSync(join(dir, 'etc')) || name.startsWith('purge-')) {
      if (process.env.KASPER_AC_NAMESPACE !== '1') throw new Error(`${name} must run in a namespace (name it purge-…)`);
      privateEtc(join(dir, 'etc'));
    }
    if (u) prepareUser(u);
    if (existsSync(join(dir, 'before'))) {
      cpSync(join(dir, 'before'), root, { recursive: true });
      fillPlaceholders(root, root, user);
    }
    if (existsSync(join(dir, 'setup.sh'))) execFileSync('sh', [join(dir, 'setup.sh')], { env: { ...process.env, ROOT: root, USER: user }, stdio: 'pipe' });
    if (u && existsSync(join(dir, 'before.crontab'))) execFileSync('crontab', ['-u', u, join(dir, 'before.crontab')]);
    const manifest = manifestOf(name, root, user);
    const run1 = resourceLines((await apply(manifest, false, work, root)).lines, root, u);
    const tree1 = dumpTree(root, u) + etcDump(name);
    const run2 = resourceLines((await apply(manifest, false, work, root)).lines, root, u);
    if (existsSync(join(dir, 'drift.sh'))) {
      execFileSync('sh', [join(dir, 'drift.sh')], { env: { ...process.env, ROOT: root, USER: user }, stdio: 'pipe' });
    }
    const noop = resourceLines((await apply(manifest, true, work, root)).lines, root, u);
    const tree2 = dumpTree(root, u) + etcDump(name);
    return { run1, run2, noop, tree1, tree2 };
  } finally {
    for (const m of mountsUnder(root).split('\n').filter(Boolean).map((l) => l.split(' ')[0]).sort().reverse()) {
      try { execFileSync('umount', ['-l', m], { stdio: 'ignore' }); } catch { /* gone */ }
    }
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    if (u) try { execFileSync('crontab', ['-u', u, '-r'], { stdio: 'ignore' }); } catch { /* none */ }
  }
}

export const RESULT_FILES = ['run1', 'run2', 'noop', 'tree1', 'tree2'] as const;

export function expectedOf(name: string): CaseResult | undefined {
  const dir = join(CASES, name, 'expected');
  if (!existsSync(dir)) return undefined;
  const r = {} as CaseResult;
  for (const f of RESULT_FILES) r[f] = readFileSync(join(dir, `${f}.txt`), 'utf8').replace(/\n$/, '');
  return r;
}

/**
 * Runs a case in a mount namespace of its own (`unshare -m`): node runs in-namespace.ts, which
 * runs the procedure with the named applier and prints the result as JSON.
 */
export function runInNamespace(name: string, applier: 'puppet' | 'kasper'): CaseResult {
  const node = join(import.meta.dirname, '../../node_modules/.bin/node');
  const out = execFileSync('unshare', ['-m', '--propagation', 'private', node, join(import.meta.dirname, 'in-namespace.ts'), applier, name],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  return JSON.parse(out) as CaseResult;
}
