// Pluginsync: the resource types and providers modules ship (`lib/kasper/types`,
// `lib/kasper/providers`, and what they import under `lib/kasper/`) reach an agent from its
// master's `plugins` mount — every module's lib/, merged — and are kept in plugindest as
// `<plugindest>/kasper/…`, where agent runs load them. As Puppet's pluginsync, it mirrors: a
// file the master no longer serves is removed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { safeJoin, writeFileAtomic } from '@kasper/files';
import type { Provider, Registry, TypeDefinition } from '@kasper/providers';

/** One entry of the master's `file_metadatas` answer (the fields pluginsync reads). */
interface Metadata {
  relative_path: string | null;
  type: string;
  checksum?: { type: string; value: string | null };
}

export interface PluginSource {
  /** GET a path on the master: its status and body. */
  get(path: string): Promise<{ status: number; body: Buffer }>;
}

const PREFIX = 'kasper/';

function sha256(path: string): string {
  return `{sha256}${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((p) => statSync(p).isFile());
}

/**
 * Brings `<plugindest>/kasper/` in line with the master's. Returns what changed (relative paths);
 * throws when the master cannot list its plugins, leaving what was synced before.
 */
export async function pluginsync(source: PluginSource, plugindest: string, environment: string): Promise<string[]> {
  const env = `environment=${encodeURIComponent(environment)}`;
  const listing = await source.get(`/puppet/v3/file_metadatas/plugins?${env}&recurse=true&links=follow&checksum_type=sha256`);
  if (listing.status !== 200) throw new Error(`the master answered HTTP ${listing.status} for its plugins: ${listing.body.toString().slice(0, 200)}`);
  const entries = JSON.parse(listing.body.toString()) as Metadata[];
  const wanted = new Map<string, string | null>();
  for (const e of entries) {
    if (e.type === 'file' && e.relative_path?.startsWith(PREFIX)) wanted.set(e.relative_path, e.checksum?.value ?? null);
  }
  const changed: string[] = [];
  for (const [rel, sum] of wanted) {
    // The names come from the master: they stay inside plugindest whatever they say.
    const dest = safeJoin(plugindest, rel.split('/'));
    if (existsSync(dest) && sum !== null && sha256(dest) === sum) continue;
    const got = await source.get(`/puppet/v3/file_content/plugins/${rel.split('/').map(encodeURIComponent).join('/')}?${env}`);
    if (got.status !== 200) throw new Error(`could not get plugin ${rel}: HTTP ${got.status}`);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileAtomic(dest, got.body, 0o644);
    changed.push(rel);
  }
  for (const local of filesUnder(join(plugindest, 'kasper'))) {
    const rel = relative(plugindest, local).split('\\').join('/');
    if (!wanted.has(rel)) {
      rmSync(local, { force: true });
      changed.push(rel);
    }
  }
  return changed;
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
