// vcsrepo's git provider: everything through the git command. A revision is compared as the
// module does: the current commit counts as the revision named when both are the same commit
// (a tag is its commit, a branch its local or remote head). Remote refs are fetched only when
// the answer depends on them (ensure => latest, or a revision that is not a commit at hand).
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asBool, asList, asString, type Provider, type ProviderContext, type Resource } from '../api.ts';
import { raise } from '../messages.ts';
import { gidOf, uidOf } from '../posix.ts';

async function git(r: Resource, ctx: ProviderContext, args: string[], cwd?: string, check = true): Promise<string> {
  const env: Record<string, string> = {};
  const identity = asString(r.params.identity);
  if (identity) env.GIT_SSH_COMMAND = `ssh -oStrictHostKeyChecking=no -oPasswordAuthentication=no -oKbdInteractiveAuthentication=no -oConnectTimeout=120 -i '${identity.replace(/'/g, `'\\''`)}'`;
  const user = asString(r.params.user);
  const uid = user !== undefined ? uidOf(user) : undefined;
  const res = await ctx.exec.run('git', args, { cwd: cwd ?? r.name, env, uid, gid: uid !== undefined ? gidOf(user!) : undefined });
  if (check && res.exitCode !== 0) throw raise('KSP-PROVIDERS-029', { command: `git ${args.join(' ')}`, status: res.exitCode, output: `${res.stdout}${res.stderr}`.trim() });
  return res.exitCode === 0 ? res.stdout.trim() : '';
}

const remote = (r: Resource) => asString(r.params.remote) ?? 'origin';

function sourceUrl(r: Resource): string | undefined {
  const s = r.params.source;
  if (s && typeof s === 'object' && !Array.isArray(s)) {
    const url = (s as Record<string, unknown>)[remote(r)];
    if (url === undefined) throw raise('KSP-PROVIDERS-124', { remote: remote(r) });
    return String(url);
  }
  return asString(s);
}

function workingCopy(r: Resource): boolean {
  const config = join(r.name, '.git', 'config');
  const url = sourceUrl(r);
  if (url !== undefined && existsSync(config)) return readFileSync(config, 'utf8').includes(url);
  return existsSync(join(r.name, '.git'));
}

const bare = (r: Resource) => existsSync(join(r.name, 'config')) && !workingCopy(r);

async function fetchRefs(r: Resource, ctx: ProviderContext): Promise<void> {
  const key = `vcsrepo:fetched:${r.name}`;
  if (ctx.cache.has(key)) return;
  await updateRemotes(r, ctx);
  await git(r, ctx, ['fetch', remote(r)]);
  await git(r, ctx, ['fetch', '--tags', remote(r)]);
  ctx.cache.set(key, true);
}

async function updateRemotes(r: Resource, ctx: ProviderContext): Promise<void> {
  const s = r.params.source;
  const remotes: [string, string][] = s && typeof s === 'object' && !Array.isArray(s)
    ? Object.entries(s as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, String(v)])
    : sourceUrl(r) !== undefined ? [[remote(r), sourceUrl(r)!]] : [];
  const config = await git(r, ctx, ['config', '-l'], undefined, false);
  for (const [name, url] of remotes) {
    if (!config.includes(`remote.${name}.url=`)) await git(r, ctx, ['remote', 'add', name, url]);
    else if (!config.includes(`remote.${name}.url=${url}`)) await git(r, ctx, ['remote', 'set-url', name, url]);
  }
}

async function revParse(r: Resource, ctx: ProviderContext, rev: string): Promise<string> {
  return git(r, ctx, ['rev-parse', '--verify', '--quiet', rev], undefined, false);
}

/** The commit a revision names: a tag's commit, a local branch, a remote branch, or a commit. */
async function canonical(r: Resource, ctx: ProviderContext, rev: string): Promise<string> {
  for (const candidate of [`refs/tags/${rev}^{commit}`, `refs/heads/${rev}`, `refs/remotes/${remote(r)}/${rev}`, `${rev}^{commit}`]) {
    const sha = await revParse(r, ctx, candidate);
    if (sha) return sha;
  }
  return '';
}

/** The module's revision: HEAD's commit, shown as the revision asked for when it is that commit. */
async function currentRevision(r: Resource, ctx: ProviderContext): Promise<string> {
  const head = await revParse(r, ctx, 'HEAD');
  const rev = asString(r.params.revision);
  if (rev === undefined) return head;
  let sha = /^[0-9a-f]{40}$/.test(rev) ? await revParse(r, ctx, `${rev}^{commit}`) : '';
  if (!sha) {
    // A branch or a tag: what the remote says now.
    await fetchRefs(r, ctx);
    sha = await canonical(r, ctx, rev);
  }
  if (!sha) throw raise('KSP-PROVIDERS-125', { revision: rev });
  return head === sha ? rev : head;
}

async function onBranch(r: Resource, ctx: ProviderContext): Promise<string | undefined> {
  const b = await git(r, ctx, ['symbolic-ref', '--quiet', '--short', 'HEAD'], undefined, false);
  return b || undefined;
}

async function checkout(r: Resource, ctx: ProviderContext, rev: string): Promise<void> {
  const local = await revParse(r, ctx, `refs/heads/${rev}`);
  const remoteBranch = await revParse(r, ctx, `refs/remotes/${remote(r)}/${rev}`);
  if (!local && remoteBranch) await git(r, ctx, ['checkout', '--force', '-b', rev, '--track', `${remote(r)}/${rev}`]);
  else await git(r, ctx, ['checkout', '--force', rev]);
  if (local && remoteBranch) await git(r, ctx, ['reset', '--hard', `${remote(r)}/${rev}`]);
}

async function finish(r: Resource, ctx: ProviderContext): Promise<void> {
  if ((asString(r.params.ensure) ?? 'present') !== 'bare' && asBool(r.params.submodules, true) && existsSync(join(r.name, '.gitmodules'))) {
    await git(r, ctx, ['submodule', 'update', '--init', '--recursive']);
  }
  const excludes = r.params.excludes;
  if (excludes !== undefined && existsSync(join(r.name, '.git', 'info'))) {
    writeFileSync(join(r.name, '.git', 'info', 'exclude'), asList(excludes).map((x) => `${String(x)}\n`).join(''));
  }
  const owner = asString(r.params.owner);
  const group = asString(r.params.group);
  if (owner !== undefined || group !== undefined) {
    const res = await ctx.exec.run('chown', ['-R', `${owner ?? ''}${group !== undefined ? `:${group}` : ''}`, r.name]);
    if (res.exitCode !== 0) throw raise('KSP-PROVIDERS-029', { command: 'chown -R', status: res.exitCode, output: res.stderr.trim() });
  }
}

async function create(r: Resource, ctx: ProviderContext): Promise<void> {
  const ensure = asString(r.params.ensure) ?? 'present';
  if (existsSync(r.name) && readdirSync(r.name).length > 0 && !workingCopy(r) && !bare(r)) {
    if (!asBool(r.params.force, false)) throw raise('KSP-PROVIDERS-126');
    ctx.log.info(`Removing ${r.name} to replace with vcsrepo.`);
    rmSync(r.name, { recursive: true, force: true });
  }
  const url = sourceUrl(r);
  if (url === undefined) {
    if (ensure === 'bare' && workingCopy(r)) {
      // a working copy becomes bare: its .git is the repository
      const tmp = `${r.name}.kasper-bare`;
      renameSync(join(r.name, '.git'), tmp);
      rmSync(r.name, { recursive: true, force: true });
      renameSync(tmp, r.name);
      return;
    }
    mkdirSync(r.name, { recursive: true });
    await git(r, ctx, ensure === 'bare' ? ['init', '--bare'] : ['init']);
    await finish(r, ctx);
    return;
  }
  if (!workingCopy(r)) {
    const args = ['clone'];
    const depth = Number(r.params.depth ?? 0);
    const rev = asString(r.params.revision);
    if (depth > 0) {
      args.push('--depth', String(depth));
      if (rev !== undefined) args.push('--branch', rev);
    }
    const branch = asString(r.params.branch);
    if (branch !== undefined) args.push('--branch', branch);
    if (ensure === 'bare') args.push('--bare');
    if (remote(r) !== 'origin') args.push('--origin', remote(r));
    args.push(url, r.name);
    await git(r, ctx, args, '/');
  }
  await updateRemotes(r, ctx);
  const rev = asString(r.params.revision);
  if (rev !== undefined && ensure !== 'bare') await checkout(r, ctx, rev);
  await finish(r, ctx);
}

export const vcsrepoGit: Provider = {
  name: 'git',
  type: 'vcsrepo',
  commands: ['git'],
  suitable: (host) => host.hasCommand('git'),
  isDefault: () => true,

  async retrieve(r, ctx) {
    const should = r.desired?.ensure;
    if (workingCopy(r)) {
      const out: Record<string, unknown> = { ensure: 'present' };
      if (should === 'latest') {
        await fetchRefs(r, ctx);
        const branch = await onBranch(r, ctx);
        const head = await revParse(r, ctx, 'HEAD');
        const target = asString(r.params.revision) !== undefined
          ? await canonical(r, ctx, String(r.params.revision))
          : branch ? await revParse(r, ctx, `refs/remotes/${remote(r)}/${branch}`) : head;
        if (head === target) out.ensure = 'latest';
      }
      if (r.desired?.revision !== undefined) out.revision = await currentRevision(r, ctx);
      return out;
    }
    if (bare(r)) return { ensure: 'bare' };
    return { ensure: 'absent' };
  },

  async sync(r, changes, ctx) {
    const ensure = changes.find((c) => c.property === 'ensure');
    if (ensure?.should === 'absent') {
      rmSync(r.name, { recursive: true, force: true });
      return;
    }
    if (ensure?.should === 'latest' && workingCopy(r) && !asBool(r.params.force, false)) {
      await fetchRefs(r, ctx);
      const reference = asString(r.params.revision) ?? (await onBranch(r, ctx)) ?? await revParse(r, ctx, 'HEAD');
      await checkout(r, ctx, reference);
      await finish(r, ctx);
      return;
    }
    if (ensure) {
      if (ensure.should === 'latest' && asBool(r.params.force, false) && existsSync(r.name)) rmSync(r.name, { recursive: true, force: true });
      await create(r, ctx);
      return;
    }
    const rev = changes.find((c) => c.property === 'revision');
    if (rev) {
      await fetchRefs(r, ctx);
      await checkout(r, ctx, String(rev.should));
      await finish(r, ctx);
    }
  },
};
