// Branches of the master's bare repository deployed as environments.
//
// Layout: <codedir>/repo.git (the bare repository pushed to), <codedir>/cache/ (one mirror clone
// per Puppetfile git remote), <codedir>/tmp/. Under the environmentpath, each deployed
// environment NAME is a symbolic link NAME -> .deploys/NAME.<commit12>.<stamp>: a deploy writes a
// new folder beside the old one and renames a new link over NAME (rename(2) is atomic), so a
// reader sees the old tree or the new one, never half of one. The previous folder is kept until
// the next deploy (a compile that started on it finishes); older ones are removed.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeJoin } from '@kasper/files';
import { isEnvironmentName } from '@kasper/master/names';
import { git, gitAsync, resolveCommit } from './git.ts';
import { raise } from './messages.ts';
import { parsePuppetfile, type GitModule } from './puppetfile.ts';
import { checkLinks, exportCommit, exportCommitAsync } from './tree.ts';

/** The file a deploy leaves in the environment; the compiler reads `commit` as the catalogs' code_id. */
export const DEPLOY_MARKER = '.kasper-deploy.json';
const DEPLOYS = '.deploys';

export interface CodeOptions {
  /** Where the bare repository, the module cache and scratch files live. */
  codedir: string;
  environmentpath: string;
  /**
   * Where the hooks find kasper.conf and the master's storage (the push diff reads the nodes'
   * facts there): given to them as flags when set, else each resolves its default.
   */
  confdir?: string;
  vardir?: string;
  storage?: string;
}

export interface DeployMarker {
  branch: string;
  commit: string;
  deployed_at: string;
  modules: { name: string; url: string; commit: string }[];
}

export const repoOf = (o: CodeOptions) => join(o.codedir, 'repo.git');

function ensureRepo(o: CodeOptions): string {
  const repo = repoOf(o);
  if (!existsSync(join(repo, 'HEAD'))) throw raise('KSP-DEPLOY-007', { path: repo });
  return repo;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Creates the bare repository and its hooks: pre-receive refuses a branch whose name is no
 * environment name (the push fails, nothing is created), then builds each pushed tree and runs
 * the push diff and its gate (push.ts); post-receive deploys what was pushed.
 * `command` is how the hooks run kasper (the node binary and the kasper script).
 */
export function initRepo(o: CodeOptions, command: string[]): string {
  const repo = repoOf(o);
  mkdirSync(o.codedir, { recursive: true });
  mkdirSync(o.environmentpath, { recursive: true });
  if (!existsSync(join(repo, 'HEAD'))) git(['init', '--quiet', '--bare', '--initial-branch=production', repo]);
  const base = `${command.map(q).join(' ')} code`;
  const opts = [`--codedir ${q(o.codedir)} --environmentpath ${q(o.environmentpath)}`,
    ...(['confdir', 'vardir', 'storage'] as const).filter((k) => o[k]).map((k) => `--${k} ${q(o[k]!)}`)].join(' ');
  for (const [hook, sub] of [['pre-receive', 'check'], ['post-receive', 'deploy --hook']] as const) {
    const path = join(repo, 'hooks', hook);
    writeFileSync(path, `#!/bin/sh\n# Written by 'kasper code init'.\nexec ${base} ${sub} ${opts}\n`);
    chmodSync(path, 0o755);
  }
  return repo;
}

interface RefUpdate { old: string; new: string; ref: string }

export function parseRefUpdates(text: string): RefUpdate[] {
  return text.split('\n').filter(Boolean).map((l) => {
    const [o, n, ref] = l.split(' ');
    return { old: o, new: n, ref };
  });
}

const ZERO = /^0+$/;

/** pre-receive: the names of pushed branches that cannot be environments, with the message for each. */
export function checkUpdates(updates: RefUpdate[]): string[] {
  const errors: string[] = [];
  for (const u of updates) {
    if (!u.ref.startsWith('refs/heads/') || ZERO.test(u.new)) continue;
    const branch = u.ref.slice('refs/heads/'.length);
    if (!isEnvironmentName(branch)) errors.push(raise('KSP-DEPLOY-001', { branch }).message);
  }
  return errors;
}

/** How long a deploy waits for another deploy of the same environment to finish. */
const LOCK_WAIT_MS = 300_000;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One deploy of an environment at a time: a lock folder holding the owner's pid. A second push
 * waits for the first; a lock whose process is gone (a killed deploy) is taken over.
 */
function lock<T>(o: CodeOptions, name: string, f: () => T): T {
  return lockWith(o, name, f, (r, release) => { release(); return r; });
}

async function lockAsync<T>(o: CodeOptions, name: string, f: () => Promise<T>): Promise<T> {
  return lockWith(o, name, f, async (r, release) => { try { return await r; } finally { release(); } });
}

function lockWith<T, R>(o: CodeOptions, name: string, f: () => T, then: (r: T, release: () => void) => R): R {
  const deploys = join(o.environmentpath, DEPLOYS);
  const l = join(deploys, `${name}.lock`);
  mkdirSync(deploys, { recursive: true });
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(l);
      writeFileSync(join(l, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let pid = NaN;
      try {
        pid = Number(readFileSync(join(l, 'pid'), 'utf8'));
      } catch { /* being created: wait */ }
      if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
        rmSync(l, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > until) throw raise('KSP-DEPLOY-008', { name, lock: l });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  const release = () => rmSync(l, { recursive: true, force: true });
  let r: T;
  try {
    r = f();
  } catch (e) {
    release();
    throw e;
  }
  return then(r, release);
}

/** The mirror clone of a module's repository in the cache: cloned once, fetched when needed. */
async function cachedRemote(o: CodeOptions, m: GitModule): Promise<string> {
  const dir = join(o.codedir, 'cache', `${createHash('sha256').update(m.url).digest('hex').slice(0, 20)}.git`);
  // A full commit id, or a tag (taken as immutable, as r10k and g10k take it), already in the
  // cache needs no fetch; a branch (or a :ref that may be one) is fetched every deploy.
  const pinned = (m.ref?.kind === 'commit' && /^[0-9a-f]{40}$/.test(m.ref.value)) || m.ref?.kind === 'tag';
  if (!existsSync(join(dir, 'HEAD'))) {
    mkdirSync(join(o.codedir, 'cache'), { recursive: true });
    const tmp = `${dir}.new-${process.pid}-${Math.random().toString(36).slice(2)}`;
    rmSync(tmp, { recursive: true, force: true });
    await gitAsync(['-c', 'protocol.ext.allow=never', 'clone', '--quiet', '--mirror', '--', m.url, tmp]);
    renameSync(tmp, dir);
  } else if (!(pinned && resolveCommit(dir, m.ref!.kind === 'tag' ? `refs/tags/${m.ref!.value}` : m.ref!.value))) {
    await gitAsync(['-c', 'protocol.ext.allow=never', `--git-dir=${dir}`, 'fetch', '--quiet', '--prune', 'origin', '+refs/*:refs/*']);
  }
  return dir;
}

/** What a Puppetfile ref names, as r10k reads it: a :ref is a branch, a tag or a commit. */
function moduleCommit(dir: string, m: GitModule): string {
  const r = m.ref;
  const candidates = !r ? ['HEAD']
    : r.kind === 'branch' ? [`refs/heads/${r.value}`]
    : r.kind === 'tag' ? [`refs/tags/${r.value}`]
    : r.kind === 'commit' ? [r.value]
    : [`refs/heads/${r.value}`, `refs/tags/${r.value}`, r.value];
  for (const c of candidates) {
    const id = resolveCommit(dir, c);
    if (id) return id;
  }
  throw raise('KSP-DEPLOY-006', { name: m.name, what: r?.kind ?? 'default branch', ref: r?.value ?? 'HEAD', url: m.url });
}

export interface DeployResult { environment: string; commit: string; path: string; modules: DeployMarker['modules']; staged?: boolean }

/**
 * The files of `commit` written into `dest` (created here), its links checked, its Puppetfile's
 * git modules installed, and the marker written last: a tree with a marker is complete.
 * `objects` names a pre-receive hook's quarantine, where a pushed commit waits.
 */
async function buildTree(o: CodeOptions, repo: string, branch: string, commit: string, dest: string, log: (s: string) => void, objects: Record<string, string> = {}): Promise<DeployMarker['modules']> {
  const scratch = join(o.codedir, 'tmp');
  mkdirSync(scratch, { recursive: true });
  exportCommit(repo, commit, dest, scratch, objects);
  checkLinks(dest);
  const modules: DeployMarker['modules'] = [];
  const pf = join(dest, 'Puppetfile');
  if (lstatSync(pf, { throwIfNoEntry: false })?.isFile()) {
    const file = parsePuppetfile(readFileSync(pf, 'utf8'));
    const moduledir = safeJoin(dest, file.moduledir);
    mkdirSync(moduledir, { recursive: true });
    // Several modules at once, as g10k does (at most 4 git commands at a time); one clone or
    // fetch per remote, shared by the modules that name it.
    const fromGit = file.modules.filter((m) => m.kind === 'git');
    const caches = new Map<string, Promise<string>>();
    const cacheOf = (m: GitModule) => {
      let p = caches.get(m.url);
      if (!p) caches.set(m.url, p = cachedRemote(o, m));
      return p;
    };
    const installed = await pool(fromGit, 4, async (m) => {
      const cache = await cacheOf(m);
      const id = moduleCommit(cache, m);
      const target = safeJoin(moduledir, m.name);
      // The Puppetfile wins over a folder of the same name in the branch.
      rmSync(target, { recursive: true, force: true });
      await exportCommitAsync(cache, id, target, scratch);
      return { name: m.name, url: m.url, commit: id, ref: m.ref };
    }).finally(() => Promise.allSettled(caches.values()));
    for (const m of installed) {
      modules.push({ name: m.name, url: m.url, commit: m.commit });
      log(`  module ${m.name} ${m.commit.slice(0, 12)} (${m.ref ? `${m.ref.kind} ${m.ref.value}` : 'default branch'})`);
    }
    checkLinks(dest);
  }
  writeMarker(dest, { branch, commit, deployed_at: new Date().toISOString(), modules });
  return modules;
}

function writeMarker(dest: string, marker: DeployMarker): void {
  // The branch's own file of that name (or a link by that name) is replaced, never written through.
  rmSync(join(dest, DEPLOY_MARKER), { recursive: true, force: true });
  writeFileSync(join(dest, DEPLOY_MARKER), `${JSON.stringify(marker, null, 2)}\n`, { flag: 'wx' });
}

/** Trees a pre-receive hook built for the push it checks, under .deploys/.staged/: `<branch>.<commit12>.<time>.<pid>`. */
const STAGED = '.staged';

export interface StagedTree { branch: string; commit: string; path: string; modules: DeployMarker['modules'] }

/**
 * Builds the tree a push of `commit` to `branch` would deploy, before the push is accepted (the
 * pre-receive hook: the diff compiles it, the gate may refuse it). The deploy that follows
 * takes this very tree (`deployBranch`), so what was compared is what is deployed — the
 * Puppetfile's branches are not fetched twice. Not locked: it writes only its own new folder.
 */
export async function stageBranch(o: CodeOptions, branch: string, commit: string, log: (s: string) => void = () => {}, objects: Record<string, string> = {}): Promise<StagedTree> {
  if (!isEnvironmentName(branch)) throw raise('KSP-DEPLOY-001', { branch });
  const repo = ensureRepo(o);
  const dir = join(o.environmentpath, DEPLOYS, STAGED);
  mkdirSync(dir, { recursive: true });
  const dest = join(dir, `${branch}.${commit.slice(0, 12)}.${Date.now()}.${process.pid}`);
  try {
    const modules = await buildTree(o, repo, branch, commit, dest, log, objects);
    return { branch, commit, path: dest, modules };
  } catch (e) {
    rmSync(dest, { recursive: true, force: true });
    throw e;
  }
}

/** A staged tree no deploy will take (the push was refused). */
export function discardStaged(t: StagedTree): void {
  rmSync(t.path, { recursive: true, force: true });
}

/**
 * The staged trees of `branch`, whose hook has ended (a live pid is a push still being checked):
 * the one for `commit`, if complete, and the others (left by pushes git then refused, to remove).
 */
function stagedFor(o: CodeOptions, branch: string, commit: string): { match?: string; stale: string[] } {
  const dir = join(o.environmentpath, DEPLOYS, STAGED);
  const stale: string[] = [];
  let match: string | undefined;
  if (!existsSync(dir)) return { stale };
  for (const f of readdirSync(dir).sort().reverse()) {
    const m = /^([a-z0-9_]+)\.([0-9a-f]{12})\.\d+\.(\d+)$/.exec(f);
    if (!m || m[1] !== branch || alive(Number(m[3]))) continue;
    let complete = false;
    try {
      complete = (JSON.parse(readFileSync(join(dir, f, DEPLOY_MARKER), 'utf8')) as DeployMarker).commit === commit;
    } catch { /* incomplete */ }
    if (!match && complete && m[2] === commit.slice(0, 12)) match = join(dir, f);
    else stale.push(join(dir, f));
  }
  return { match, stale };
}

/** Deploys `commit` of the repository as environment `branch`; see the file's comment. */
export async function deployBranch(o: CodeOptions, branch: string, commit: string, log: (s: string) => void = () => {}): Promise<DeployResult> {
  if (!isEnvironmentName(branch)) throw raise('KSP-DEPLOY-001', { branch });
  const repo = ensureRepo(o);
  return lockAsync(o, branch, async () => {
    // Pushes can overtake each other while one waits for the lock: the branch's head now is
    // what gets deployed, so the last deploy always shows the last push.
    const head = resolveCommit(repo, `refs/heads/${branch}`);
    if (head && head !== commit) {
      log(`  branch ${branch} moved to ${head.slice(0, 12)} meanwhile: deploying that`);
      commit = head;
    }
    const deploys = join(o.environmentpath, DEPLOYS);
    const folder = `${branch}.${commit.slice(0, 12)}.${Date.now()}`;
    const dest = join(deploys, folder);
    const staged = stagedFor(o, branch, commit);
    try {
      let modules: DeployMarker['modules'];
      if (staged.match) {
        // The tree the pre-receive hook built and compared: moved in whole (one rename).
        renameSync(staged.match, dest);
        const marker = JSON.parse(readFileSync(join(dest, DEPLOY_MARKER), 'utf8')) as DeployMarker;
        modules = marker.modules;
        writeMarker(dest, { ...marker, deployed_at: new Date().toISOString() });
      } else {
        modules = await buildTree(o, repo, branch, commit, dest, log);
      }
      const previous = swapIn(o, branch, folder);
      // Older deploys go; the one just replaced stays until the next deploy.
      for (const f of readdirSync(deploys)) {
        if (f.startsWith(`${branch}.`) && f !== folder && f !== previous && !f.endsWith('.lock')) rmSync(join(deploys, f), { recursive: true, force: true });
      }
      for (const s of staged.stale) rmSync(s, { recursive: true, force: true });
      return { environment: branch, commit, path: join(o.environmentpath, branch), modules, ...(staged.match ? { staged: true } : {}) };
    } catch (e) {
      rmSync(dest, { recursive: true, force: true });
      throw e;
    }
  });
}

/**
 * `f` over `items`, at most `size` at once, answers in the items' order. A failure stops new
 * work; the first one is thrown once all running work has ended (nothing writes afterwards).
 */
async function pool<T, R>(items: T[], size: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const results = await Promise.allSettled(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        out[i] = await f(items[i]);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  }));
  const error = results.find((r) => r.status === 'rejected');
  if (error) throw (error as PromiseRejectedResult).reason;
  return out;
}

/** Points environment `name` at `.deploys/folder` with one rename; answers the folder it pointed at before. */
function swapIn(o: CodeOptions, name: string, folder: string): string | undefined {
  const link = join(o.environmentpath, name);
  const st = lstatSync(link, { throwIfNoEntry: false });
  let previous: string | undefined;
  if (st?.isSymbolicLink()) {
    const t = readlinkSync(link);
    if (t.startsWith(`${DEPLOYS}/`)) previous = t.slice(DEPLOYS.length + 1);
  } else if (st) {
    // A folder made by hand: kept (renamed) beside the deploys, not lost.
    previous = `${name}.replaced.${Date.now()}`;
    renameSync(link, join(o.environmentpath, DEPLOYS, previous));
  }
  const tmp = join(o.environmentpath, `.${name}.link-${process.pid}`);
  rmSync(tmp, { force: true });
  symlinkSync(`${DEPLOYS}/${folder}`, tmp);
  renameSync(tmp, link);
  return previous;
}

/** A deleted branch: its environment goes (only one this deploy made; a folder made by hand is left). */
export function removeEnvironment(o: CodeOptions, name: string): boolean {
  if (!isEnvironmentName(name)) return false;
  const repo = ensureRepo(o);
  return lock(o, name, () => {
    // Pushed again meanwhile: the environment stays (that push's deploy updates it).
    if (resolveCommit(repo, `refs/heads/${name}`)) return false;
    const link = join(o.environmentpath, name);
    const st = lstatSync(link, { throwIfNoEntry: false });
    if (!st?.isSymbolicLink() || !readlinkSync(link).startsWith(`${DEPLOYS}/`)) return false;
    rmSync(link);
    const deploys = join(o.environmentpath, DEPLOYS);
    for (const f of readdirSync(deploys)) {
      if (f.startsWith(`${name}.`) && !f.endsWith('.lock') && !f.includes('.replaced.')) rmSync(join(deploys, f), { recursive: true, force: true });
    }
    return true;
  });
}

/** post-receive: every pushed branch deployed or removed; lines for the pusher; false when one failed. */
export async function deployUpdates(o: CodeOptions, updates: RefUpdate[], print: (s: string) => void): Promise<boolean> {
  let ok = true;
  for (const u of updates) {
    if (!u.ref.startsWith('refs/heads/')) continue;
    const branch = u.ref.slice('refs/heads/'.length);
    try {
      if (ZERO.test(u.new)) {
        print(removeEnvironment(o, branch) ? `kasper: environment ${branch} removed` : `kasper: branch ${branch} deleted (no deployed environment to remove)`);
        continue;
      }
      const t0 = Date.now();
      const r = await deployBranch(o, branch, u.new, print);
      print(`kasper: environment ${branch} deployed at ${r.commit.slice(0, 12)}${r.modules.length ? ` with ${r.modules.length} module(s)` : ''} in ${Date.now() - t0} ms`);
    } catch (e) {
      ok = false;
      print(`kasper: environment ${branch} NOT deployed: ${(e as Error).message}`);
    }
  }
  return ok;
}

/** Deploys every branch of the repository (or those named) at its current commit. */
export async function deployAll(o: CodeOptions, branches: string[] | undefined, print: (s: string) => void): Promise<boolean> {
  const repo = ensureRepo(o);
  const heads = git([`--git-dir=${repo}`, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/']).stdout
    .split('\n').filter(Boolean).map((l) => { const [n, ref] = l.split(' '); return { old: '0'.repeat(40), new: n, ref }; });
  const chosen = branches?.length ? heads.filter((h) => branches.includes(h.ref.slice(11))) : heads;
  return deployUpdates(o, chosen, print);
}

export interface EnvironmentStatus { name: string; branch?: string; deployed?: string; state: 'current' | 'behind' | 'no branch' | 'not deployed' | 'not managed' }

/** Every branch and every environment: deployed at which commit, and whether it is the branch's head. */
export function codeStatus(o: CodeOptions): EnvironmentStatus[] {
  const repo = ensureRepo(o);
  const heads = new Map(git([`--git-dir=${repo}`, 'for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/']).stdout
    .split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
  const names = new Set([...heads.keys()]);
  if (existsSync(o.environmentpath)) for (const e of readdirSync(o.environmentpath)) if (isEnvironmentName(e)) names.add(e);
  return [...names].sort().map((name) => {
    const head = heads.get(name);
    let deployed: string | undefined;
    try {
      deployed = (JSON.parse(readFileSync(join(o.environmentpath, name, DEPLOY_MARKER), 'utf8')) as DeployMarker).commit;
    } catch { /* not deployed from git */ }
    const state = !deployed ? (existsSync(join(o.environmentpath, name)) ? 'not managed' : 'not deployed')
      : !head ? 'no branch' : head === deployed ? 'current' : 'behind';
    return { name, branch: head, deployed, state };
  });
}
