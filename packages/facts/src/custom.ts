// Custom facts that modules ship (lib/facter/*.rb), for `kasper facts --modulepath` and for an
// agent (the lib folders pluginsync brought). They are Ruby, run by @kasper/ruby's embedded
// CRuby over the Facter 4 API shim; the package is imported only when there are such files, and
// only when the facts asked for include one they define, so collecting core facts never starts Ruby.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { modulesOnPath } from '@kasper/files';

export interface CustomFactSources {
  /** Fact files (`*.rb`), in the order Facter loads them: folder by folder, by name. */
  files: string[];
  /** Folders `require` searches (every module's lib folder, or an agent's plugindest). */
  libDirs: string[];
}

export interface CustomFactsResult {
  values: Record<string, unknown>;
  /** Files that failed to load and resolutions that raised (Facter logs them and goes on). */
  errors: { fact?: string; file?: string; line?: number; message: string }[];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The `*.rb` files of a folder, by name (none when it does not exist). */
function rubyFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.rb')).sort().map((f) => join(dir, f)).filter((f) => !isDir(f));
  } catch {
    return [];
  }
}

/**
 * The custom facts of the modules on a modulepath: each module's lib/facter (the first module
 * of each name, as Puppet's autoloader finds them), and every module's lib for `require`.
 */
export function moduleFactSources(modulepath: readonly string[]): CustomFactSources {
  const files: string[] = [];
  const libDirs: string[] = [];
  for (const m of modulesOnPath(modulepath)) {
    const lib = join(m.dir, 'lib');
    if (!existsSync(lib)) continue;
    libDirs.push(lib);
    files.push(...rubyFiles(join(lib, 'facter')));
  }
  return { files, libDirs };
}

/** Custom facts in folders of fact files (Facter's --custom-dir, an agent's `<plugindest>/facter`). */
export function folderFactSources(dirs: readonly string[], libDirs: readonly string[] = []): CustomFactSources {
  return { files: dirs.flatMap(rubyFiles), libDirs: [...libDirs] };
}

/** The facts the files define (`Facter.add(:name)`), read from their text without running Ruby. */
export function definedFactNames(files: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/Facter\.add\(?\s*['":]([A-Za-z0-9_.-]+)/g)) names.add(m[1]);
  }
  return names;
}

export interface ResolveOptions {
  /** Only these custom facts (all when undefined). */
  names?: string[];
  /** The provider Puppet would pick for a type here (stdlib's package_provider, service_provider). */
  defaultProvider?(type: string): string | undefined;
  log?(level: string, message: string): void;
}

/**
 * Resolves custom facts with `known` (core and external facts) as what Facter.value reads.
 * Loads @kasper/ruby (and starts Ruby) only now.
 */
export async function resolveCustomFacts(sources: CustomFactSources, known: Record<string, unknown>, options: ResolveOptions = {}): Promise<CustomFactsResult> {
  if (sources.files.length === 0) return { values: {}, errors: [] };
  const { resolveRubyFacts } = await import('@kasper/ruby');
  const fact = (name: string) => name.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), known);
  const r = resolveRubyFacts(sources.files, { fact, defaultProvider: options.defaultProvider, log: options.log }, { names: options.names, libDirs: sources.libDirs });
  return {
    values: r.values,
    errors: r.errors.map((e) => ({ fact: e.fact, file: e.file, line: e.line, message: `${e.rubyClass}: ${e.message}` })),
  };
}
