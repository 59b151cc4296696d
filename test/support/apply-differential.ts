// The differential procedure for `puppet apply` against Kasper's apply, one for every suite that
// compares them (test/apply-conformance: the resource types; test/module-types: the modules'
// types). A case is applied by each tool to a fresh temporary root of its own, the same way:
//
//   1. the root is made from the case's `before/` (`@ROOT@` and `@USER@` in its files filled in),
//      `before.crontab` becomes the test user's crontab, and `setup.sh` runs (`sh -e`, with `ROOT`
//      and `USER` set: for what git cannot hold, repositories, mounts, old file times);
//   2. `site.pp` is applied (its `@ROOT@` and `@USER@` filled in, and `$root` set on a line put
//      before it): **run1**, then **tree1**, what is left under the root;
//   3. applied again: **run2**;
//   4. `drift/` is laid over the root and `drift.sh` runs (the target changed behind the tool's
//      back), and the manifest is applied in noop: **noop**, then **tree2**.
//
// A case may also have `env` (KEY=value lines, `$ROOT` replaced: variables both tools run with),
// `ignore` (paths under the root, one a line, left out of the trees) and `etc/` (files laid over
// a private copy of /etc, in a mount namespace the suite made: see privateEtc). A manifest that
// names `@USER@` gets a local test user (a crontab's), one for each tool, removed at the end.
//
// Each suite keeps Puppet's answers in its own golden form (the renderers it gives runCase).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { compileCatalog, deferredCaller, fromData, type Value } from '../../packages/compiler/src/index.ts';
import { collectFacts } from '../../packages/facts/src/index.ts';
import { Registry, SystemExecutor, detectHost } from '../../packages/providers/src/index.ts';
import { Transaction, withLocalFacts } from '../../packages/agent/src/index.ts';

/** Debian's Puppet modules: both tools read their types (the module types, the core types' modules). */
export const MODULEPATH = '/usr/share/puppet/modules';

/** The local test users of crontab cases: one for Puppet, one for Kasper, so neither sees the other's crontab. */
export const PUPPET_USER = 'kaspacpup';
export const KASPER_USER = 'kaspackas';

/** One log line about a resource: level (`notice`, `warning`, `error` …), where, what. */
export interface LogRecord {
  level: string;
  source: string;
  message: string;
}

/** One of the two tools: applies a manifest file (noop or not) with the case's variables. */
export interface Tool {
  /** The local test user this tool's crontab cases use (a different one for each tool). */
  user: string;
  apply(manifest: string, options: { noop: boolean; work: string; root: string; env: Record<string, string> }): Promise<LogRecord[]>;
}

/** How a suite writes what a run printed and what a tree holds, for its golden files. */
export interface Golden<Lines, Tree> {
  lines(records: LogRecord[], root: string, user: string | undefined): Lines;
  tree(root: string, user: string | undefined, caseDir: string): Tree;
}

export interface CaseResult<Lines, Tree> {
  run1: Lines;
  tree1: Tree;
  run2: Lines;
  noop: Lines;
  tree2: Tree;
}

/** The cases of a suite (folders with a site.pp), sorted; only those named when any are. */
export function caseNames(cases: string, only: string[] = []): string[] {
  const all = readdirSync(cases).filter((n) => existsSync(join(cases, n, 'site.pp'))).sort();
  return only.length ? all.filter((n) => only.includes(n)) : all;
}

/** Whether a case needs a crontab user (its manifest or drift.sh names the user). */
export function needsUser(caseDir: string): boolean {
  return readFileSync(join(caseDir, 'site.pp'), 'utf8').includes('@USER@')
    || (existsSync(join(caseDir, 'drift.sh')) && readFileSync(join(caseDir, 'drift.sh'), 'utf8').includes('USER'));
}

/** Cases that mount file systems (mount-*) or purge what /etc lists (purge-*) run in a mount namespace of their own. */
export const inNamespace = (name: string) => /^(mount|purge)-/.test(name);

/** A case's manifest: its placeholders filled in, `$root` set before it. */
export function manifestOf(caseDir: string, root: string, user: string): string {
  const text = readFileSync(join(caseDir, 'site.pp'), 'utf8').replaceAll('@ROOT@', root).replaceAll('@USER@', user);
  return `$root = '${root}'\n${text}`;
}

/** The variables a case's tools run with (`env`: KEY=value lines, `$ROOT` replaced). */
export function caseEnv(caseDir: string, root: string): Record<string, string> {
  const f = join(caseDir, 'env');
  if (!existsSync(f)) return {};
  return Object.fromEntries(readFileSync(f, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => {
    const i = l.indexOf('=');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim().split('$ROOT').join(root)];
  }));
}

/** The paths under the root a case leaves out of its trees. */
export function ignored(caseDir: string): string[] {
  const f = join(caseDir, 'ignore');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : [];
}

function script(caseDir: string, file: string, root: string, user: string): void {
  const s = join(caseDir, file);
  if (existsSync(s)) execFileSync('sh', ['-e', s], { env: { ...process.env, ROOT: root, USER: user }, stdio: 'pipe' });
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

/** One entry under a root: its path below the root, what it is, its permission bits. */
export interface TreeEntry {
  path: string;
  kind: 'file' | 'dir' | 'link';
  mode: number;
  /** A link's target. */
  target?: string;
  /** A file's content. */
  bytes?: Buffer;
}

/** Every file, folder and link under root, sorted by name in each folder (a folder before its content); `skip`: paths left out, with what is below them. */
export function walkTree(root: string, skip: string[] = []): TreeEntry[] {
  const out: TreeEntry[] = [];
  const walk = (dir: string) => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      const path = relative(root, p);
      if (skip.some((s) => path === s || path.startsWith(`${s}/`))) continue;
      const st = lstatSync(p);
      const mode = st.mode & 0o7777;
      if (st.isSymbolicLink()) out.push({ path, kind: 'link', mode, target: readlinkSync(p) });
      else if (st.isDirectory()) {
        out.push({ path, kind: 'dir', mode });
        walk(p);
      } else out.push({ path, kind: 'file', mode, bytes: readFileSync(p) });
    }
  };
  walk(root);
  return out;
}

/** What is mounted under root: mount point, type and the options that say what was asked (size, mode). */
export function mountsUnder(root: string): string {
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const [, target, fstype, options] = line.split(' ');
    if (!target?.startsWith(`${root}/`)) continue;
    const kept = options.split(',').filter((o) => /^(ro|rw|size=|mode=|nr_inodes=)/.test(o)).join(',');
    out.push(`${target.replaceAll('\\040', ' ')} ${fstype} ${kept}`);
  }
  return out.sort().join('\n');
}

/** A user's crontab, or `(no crontab)`. */
export function crontabOf(user: string): string {
  try {
    return execFileSync('crontab', ['-u', user, '-l'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '(no crontab)\n';
  }
}

/** Test users this process made, removed again by removeTestUsers() (a suite's `after`). */
const madeUsers = new Set<string>();

/** Makes sure the local test user exists, with no crontab. */
function prepareUser(user: string): void {
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

let etcCopy: string | undefined;
let spoolCopy: string | undefined;

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

/** Runs the procedure for one case with one tool; the suite's golden form renders the runs and trees. */
export async function runCase<Lines, Tree>(caseDir: string, tool: Tool, golden: Golden<Lines, Tree>): Promise<CaseResult<Lines, Tree>> {
  const name = basename(caseDir);
  const { user } = tool;
  const root = mkdtempSync(join(tmpdir(), 'kasper-ac-'));
  const work = mkdtempSync(join(tmpdir(), 'kasper-ac-work-'));
  const u = needsUser(caseDir) ? user : undefined;
  try {
    if (existsSync(join(caseDir, 'etc')) || name.startsWith('purge-')) {
      if (process.env.KASPER_AC_NAMESPACE !== '1') throw new Error(`${name} must run in a namespace (name it purge-…)`);
      privateEtc(join(caseDir, 'etc'));
    }
    if (u) prepareUser(u);
    if (existsSync(join(caseDir, 'before'))) {
      cpSync(join(caseDir, 'before'), root, { recursive: true });
      fillPlaceholders(root, root, user);
    }
    script(caseDir, 'setup.sh', root, user);
    if (u && existsSync(join(caseDir, 'before.crontab'))) execFileSync('crontab', ['-u', u, join(caseDir, 'before.crontab')]);
    const manifest = join(work, 'site.pp');
    writeFileSync(manifest, manifestOf(caseDir, root, user));
    const env = caseEnv(caseDir, root);
    const apply = async (noop: boolean) => golden.lines(await tool.apply(manifest, { noop, work, root, env }), root, u);
    const run1 = await apply(false);
    const tree1 = golden.tree(root, u, caseDir);
    const run2 = await apply(false);
    if (existsSync(join(caseDir, 'drift'))) cpSync(join(caseDir, 'drift'), root, { recursive: true });
    script(caseDir, 'drift.sh', root, user);
    const noop = await apply(true);
    const tree2 = golden.tree(root, u, caseDir);
    return { run1, tree1, run2, noop, tree2 };
  } finally {
    for (const m of mountsUnder(root).split('\n').filter(Boolean).map((l) => l.split(' ')[0]).sort().reverse()) {
      try { execFileSync('umount', ['-l', m], { stdio: 'ignore' }); } catch { /* gone */ }
    }
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    if (u) try { execFileSync('crontab', ['-u', u, '-r'], { stdio: 'ignore' }); } catch { /* none */ }
  }
}

/**
 * Puppet 7's `puppet apply` of the manifest in a configuration of its own under work (the
 * recorders' tool; the suites' tests need no Puppet). `showDiff`: print content diffs.
 */
export function puppetTool(options: { showDiff?: boolean; beforeApply?: (root: string) => void } = {}): Tool {
  return {
    user: PUPPET_USER,
    async apply(manifest, { noop, work, root, env }) {
      options.beforeApply?.(root);
      const base = join(work, 'puppet');
      const args = ['apply', '--color=false', '--detailed-exitcodes', `--modulepath=${MODULEPATH}`, `--confdir=${base}/conf`, `--vardir=${base}/var`,
        `--codedir=${base}/code`, `--logdir=${base}/log`, `--rundir=${base}/run`, ...(options.showDiff ? ['--show_diff'] : []), ...(noop ? ['--noop'] : []), manifest];
      let out: string;
      try {
        out = execFileSync('puppet', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, LC_ALL: 'C.UTF-8', TZ: 'UTC' } });
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string; status?: number };
        out = `${err.stdout ?? ''}${err.stderr ?? ''}`;
        // --detailed-exitcodes: 2 changes, 4 failures, 6 both; anything else is Puppet failing as a whole.
        if (err.status !== 2 && err.status !== 4 && err.status !== 6) throw new Error(`puppet apply exited ${err.status}: ${out}`);
      }
      return parsePuppetOutput(out);
    },
  };
}

/**
 * Puppet's console lines about resources as records: `Notice: /Stage[main]/Main/File[x]/ensure: created`.
 * A message of several lines (a content diff) keeps the lines that follow the one that began it.
 */
export function parsePuppetOutput(text: string): LogRecord[] {
  const messages: string[] = [];
  for (const l of text.split('\n')) {
    if (/^(Notice|Info|Warning|Error|Debug): /.test(l) || messages.length === 0) messages.push(l);
    else messages[messages.length - 1] += `\n${l}`;
  }
  const out: LogRecord[] = [];
  for (const m of messages) {
    const r = /^(Notice|Info|Warning|Error|Debug): (\/Stage\[.*?\](?:\/[a-z_]+)?): ([\s\S]*)$/.exec(m);
    if (r) out.push({ level: r[1].toLowerCase(), source: r[2], message: r[3] });
  }
  return out;
}

/** This host's facts (kernel, os) where a case reads them, as puppet apply has them. */
let hostFacts: Record<string, unknown> | undefined;

/**
 * Kasper's apply, in-process and wired as `kasper apply` wires it: the run's own facts over this
 * host's, the modules of MODULEPATH, Deferred values resolved with the compiler's functions.
 * The case's variables are set in this process for the run.
 */
export function kasperTool(): Tool {
  return {
    user: KASPER_USER,
    async apply(manifest, { noop, work, env }) {
      hostFacts ??= await collectFacts({ names: ['kernel', 'os'] }) as Record<string, unknown>;
      const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
      Object.assign(process.env, env);
      try {
        const environment = { name: 'production', manifest, modulepath: [MODULEPATH] };
        const plainFacts = withLocalFacts(hostFacts, { certname: 'test.example.com', noop });
        const facts = fromData(plainFacts) as Map<string, Value>;
        const catalog = compileCatalog({ environment, node: 'test.example.com', facts });
        const records: LogRecord[] = [];
        await new Transaction(catalog, {
          noop,
          registry: new Registry(),
          host: detectHost(),
          exec: new SystemExecutor(),
          bucketDir: join(work, 'bucket'),
          onLog: (level, source, message) => records.push({ level: level === 'err' ? 'error' : level, source, message }),
          deferred: { facts: plainFacts, call: deferredCaller({ environment, node: 'test.example.com', facts }) },
        }).run();
        return records;
      } finally {
        for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      }
    },
  };
}
