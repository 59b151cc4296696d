// An environment folder as Puppet reads it: `manifests/` (or `manifest` from environment.conf),
// `modules/` and the base module path (or `modulepath` from environment.conf, relative entries
// relative to the folder, `$basemodulepath` standing for the shared folders), `hiera.yaml`.
// The one reading of it for the master, `kasper compile`, `kasper lookup` and `kasper diff`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { EnvironmentConfig } from './loader.ts';

export interface EnvironmentOptions {
  /** Module folders shared by every environment (Puppet's basemodulepath). */
  basemodulepath?: string[];
  /** Puppet's global hiera.yaml (hiera_config), consulted before the environment's. */
  globalHieraConfig?: string;
}

/** environment.conf's `key = value` lines (comments with `#`, sections ignored). */
export function readEnvironmentConf(dir: string): Record<string, string> {
  const path = join(dir, 'environment.conf');
  if (!existsSync(path)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/.exec(line.replace(/#.*$/, ''));
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export function environmentFromFolder(dir: string, name: string, options: EnvironmentOptions = {}): EnvironmentConfig {
  const root = resolve(dir);
  const conf = readEnvironmentConf(root);
  const base = options.basemodulepath ?? [];
  const at = (p: string) => (isAbsolute(p) ? p : resolve(root, p));
  const modulepath = (conf.modulepath ?? 'modules:$basemodulepath').split(':').filter(Boolean)
    .flatMap((p) => (p === '$basemodulepath' ? base : [at(p.replace(/^\$environment\b/, name))]));
  let manifest = at(conf.manifest ?? 'manifests');
  // An environment without a manifests folder may still have the classic single site.pp.
  if (conf.manifest === undefined && !existsSync(manifest) && existsSync(join(root, 'manifests.pp'))) manifest = join(root, 'manifests.pp');
  const hiera = join(root, 'hiera.yaml');
  const codeId = deployedCommit(root);
  return {
    name, manifest, modulepath, directory: root,
    hieraConfig: existsSync(hiera) && statSync(hiera).isFile() ? hiera : undefined,
    globalHieraConfig: options.globalHieraConfig,
    ...(codeId ? { codeId } : {}),
  };
}

/**
 * The commit an environment was deployed from by `kasper code deploy` (@kasper/deploy writes it
 * in `.kasper-deploy.json`), or undefined for a folder made otherwise.
 */
export function deployedCommit(dir: string): string | undefined {
  try {
    const commit = (JSON.parse(readFileSync(join(dir, '.kasper-deploy.json'), 'utf8')) as { commit?: unknown }).commit;
    return typeof commit === 'string' && /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}
