// Debian packages with dpkg: the state of every package is read once per run, from dpkg's
// status file when it provably gives dpkg-query's answer (../dpkg-status.ts), else with one
// dpkg-query; installs need a `source` .deb, as with Puppet's dpkg provider.
import { asString, type Provider, type ProviderContext, type Resource } from '../api.ts';
import { defaultAdmindir, readDpkgStatus, type DpkgEntry } from '../dpkg-status.ts';
import { runChecked } from '../executor.ts';
import { raise } from '../messages.ts';

export interface PackageState {
  /** The installed version, `absent`, or `purged` (no trace left, not even config files). */
  ensure: string;
}

const CACHE = 'dpkg:state';

/**
 * dpkg-query's lines: read from dpkg's files when the commands run on this host and the reader
 * follows all of them (no process, and no command runner loaded), else from dpkg-query itself.
 */
async function dpkgEntries(ctx: ProviderContext): Promise<DpkgEntry[]> {
  const admindir = ctx.exec.local ? defaultAdmindir() : undefined;
  const read = admindir === undefined ? undefined : readDpkgStatus(admindir);
  if (read) return read;
  const r = await ctx.exec.run('dpkg-query', ['-W', '-f', '${Package}\\t${Version}\\t${db:Status-Abbrev}\\n']);
  const entries: DpkgEntry[] = [];
  for (const line of r.stdout.split('\n')) {
    const [name, version, status] = line.split('\t');
    if (name) entries.push({ name, version: version ?? '', abbrev: (status ?? '').trim() });
  }
  return entries;
}

/** Reads every package's state: name → version / absent (config files left) / purged. */
export async function dpkgState(ctx: ProviderContext, refresh = false): Promise<Map<string, string>> {
  const cached = ctx.cache.get(CACHE) as Map<string, string> | undefined;
  if (cached && !refresh) return cached;
  const map = new Map<string, string>();
  for (const { name, version, abbrev: s } of await dpkgEntries(ctx)) {
    // ii: installed; rc: removed, config files remain; anything else is not installed.
    const state = s.startsWith('ii') || s.startsWith('hi') ? version : s.startsWith('rc') ? 'absent' : 'absent';
    // Multi-arch packages appear once per architecture: keep the installed one.
    if (!map.has(name) || state !== 'absent') map.set(name, state);
  }
  ctx.cache.set(CACHE, map);
  return map;
}

export async function dpkgRetrieve(r: Resource, ctx: ProviderContext): Promise<Record<string, unknown>> {
  const state = await dpkgState(ctx);
  return { ensure: state.get(r.name) ?? 'purged' };
}

export async function dpkgRemove(r: Resource, ctx: ProviderContext, purge: boolean): Promise<void> {
  await runChecked(ctx.exec, 'dpkg', [purge ? '--purge' : '--remove', r.name], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
}

export const dpkg: Provider = {
  name: 'dpkg',
  type: 'package',
  suitable: (host) => host.hasCommand('dpkg') && host.hasCommand('dpkg-query'),
  async prefetch(_resources, ctx) {
    await dpkgState(ctx, true);
  },
  retrieve: dpkgRetrieve,
  async sync(r, changes, ctx) {
    const want = String(changes[0]?.should ?? 'present');
    if (want === 'absent' || want === 'purged') {
      await dpkgRemove(r, ctx, want === 'purged');
    } else {
      const source = asString(r.params.source);
      if (!source) throw raise('KSP-PROVIDERS-027', { name: r.name });
      if (want === 'latest') throw raise('KSP-PROVIDERS-028', { name: r.name });
      await runChecked(ctx.exec, 'dpkg', ['--force-confold', '-i', source], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
    }
    await dpkgState(ctx, true);
  },
};
