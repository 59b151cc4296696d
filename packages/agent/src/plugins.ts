// Pluginsync: the resource types and providers modules ship (`lib/kasper/types`,
// `lib/kasper/providers`, and what they import under `lib/kasper/`) reach an agent from its
// master's `plugins` mount — every module's lib/, merged — and are kept in plugindest as
// `<plugindest>/kasper/…`, where agent runs load them; so do the custom facts modules ship
// (`lib/facter/*.rb`, into `<plugindest>/facter/`, and `lib/puppet_x/` they may require), which
// the agent resolves with this host's facts on every run; the external facts modules ship
// (`facts.d/`) come from the `pluginfacts` mount into `<vardir>/facts.d`. As Puppet's
// pluginsync, it mirrors: a file the master no longer serves is removed.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { safeJoin, writeFileAtomic } from '@kasper/files';
import type { Provider, Registry, TypeDefinition } from '@kasper/providers';
import { FileServer, type Metadata } from './fileserver.ts';
import { raise } from './messages.ts';

export interface PluginSource {
  /** GET a path on the master, with this Accept header: its status and body. */
  get(path: string, accept: string): Promise<{ status: number; body: Buffer }>;
}

const PREFIX = 'kasper/';
/**
 * What Kasper uses of the modules' lib/: its own types and providers, custom facts (`facter/`,
 * with the helpers they require under `facter/` and `puppet_x/`), which the agent resolves (see
 * factSources), and functions in Ruby (`puppet/functions/`, `puppet/parser/functions/`), which
 * a Deferred value may call on the agent (`vault_lookup::lookup`). Puppet's Ruby types and
 * providers are left on the master.
 */
const SYNCED = [PREFIX, 'facter/', 'puppet_x/', 'puppet/functions/', 'puppet/parser/functions/'];
/** What Puppet's pluginsync leaves out of every listing. */
const IGNORE = ['.svn', 'CVS', '.git', '.hg'];

function sha256(path: string): string {
  return `{sha256}${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((p) => statSync(p).isFile());
}

interface MirrorOptions {
  /** Only these relative paths are kept (and removed when the master drops them). */
  wanted: (relativePath: string) => boolean;
  /** Keep the modes the master reports (pluginfacts: an executable fact must stay executable). */
  modes: boolean;
}

/**
 * Mirrors a mount of the master's file server into `dest`, as Puppet's pluginsync does: listed
 * with Puppet's parameters (links followed, VCS folders ignored), changed files fetched, files
 * the master no longer serves removed. Names from the master stay inside `dest`. Returns what
 * changed (relative paths); throws when the master cannot list the mount.
 */
async function mirror(source: PluginSource, mount: string, dest: string, environment: string, options: MirrorOptions): Promise<string[]> {
  const files = new FileServer((path, accept) => source.get(path, accept), environment);
  const entries = await files.metadatas(mount, {
    max_files: -1, ignore: IGNORE, links: 'follow', source_permissions: options.modes ? 'use' : 'ignore',
  });
  if (!entries) throw raise('KSP-AGENT-011', { mount });
  const wanted = new Map<string, Metadata>();
  for (const e of entries) {
    if (e.type === 'file' && e.relative_path && e.relative_path !== '.' && options.wanted(e.relative_path)) wanted.set(e.relative_path, e);
  }
  const changed: string[] = [];
  for (const [rel, meta] of wanted) {
    const dest1 = safeJoin(dest, rel.split('/'));
    const mode = options.modes && typeof meta.mode === 'number' ? meta.mode & 0o777 : 0o644;
    const sum = meta.checksum?.type === 'sha256' ? meta.checksum.value : null;
    if (existsSync(dest1) && sum !== null && sha256(dest1) === sum) {
      if (options.modes && (statSync(dest1).mode & 0o777) !== mode) chmodSync(dest1, mode);
      continue;
    }
    let body: Buffer;
    try {
      body = await files.content(`${mount}/${rel}`);
    } catch (e) {
      throw raise('KSP-AGENT-012', { mount, path: rel, reason: (e as Error).message }, undefined, e);
    }
    mkdirSync(dirname(dest1), { recursive: true });
    writeFileAtomic(dest1, body, mode);
    changed.push(rel);
  }
  for (const local of filesUnder(dest)) {
    const rel = relative(dest, local).split('\\').join('/');
    if (options.wanted(rel) && !wanted.has(rel)) {
      rmSync(local, { force: true });
      changed.push(rel);
    }
  }
  return changed;
}

/**
 * Brings `<plugindest>/kasper/` in line with the master's `plugins` mount (every module's lib/,
 * of which Kasper loads lib/kasper/). Returns what changed (relative paths); throws when the
 * master cannot list its plugins, leaving what was synced before.
 */
export async function pluginsync(source: PluginSource, plugindest: string, environment: string): Promise<string[]> {
  return mirror(source, 'plugins', plugindest, environment, { wanted: (rel) => SYNCED.some((p) => rel.startsWith(p)), modes: false });
}

/**
 * Brings `dest` (the agent's `<vardir>/facts.d`) in line with the master's `pluginfacts` mount
 * (every module's facts.d/): the external facts modules ship, read with this host's on every run.
 */
export async function pluginfactsync(source: PluginSource, dest: string, environment: string): Promise<string[]> {
  return mirror(source, 'pluginfacts', dest, environment, { wanted: () => true, modes: true });
}

/**
 * Loads `<libdir>/kasper/types/*` (exporting `type`) and `<libdir>/kasper/providers/*` (exporting
 * `provider`) into the registry. A file's modification time is part of its URL, so a daemon loads
 * a plugin again after pluginsync changed it.
 */
export async function loadPlugins(registry: Registry, libdir: string): Promise<string[]> {
  const loaded: string[] = [];
  for (const kind of ['types', 'providers'] as const) {
    const folder = join(libdir, 'kasper', kind);
    if (!existsSync(folder)) continue;
    for (const f of readdirSync(folder).filter((x) => /\.(ts|js|mjs)$/.test(x)).sort()) {
      const path = join(folder, f);
      const m = (await import(`${pathToFileURL(path).href}?v=${statSync(path).mtimeMs}`)) as { type?: TypeDefinition; provider?: Provider };
      if (kind === 'types' && m.type) registry.addType(m.type);
      if (kind === 'providers' && m.provider) registry.addProvider(m.provider);
      loaded.push(`kasper/${kind}/${f}`);
    }
  }
  return loaded;
}
