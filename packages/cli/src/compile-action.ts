// The work behind `kasper compile`, loaded only when the command runs.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringifyCatalog } from '@kasper/catalog';
import { CompileError, compileCatalog, loadFactsFile, type EnvironmentConfig, type Value } from '@kasper/compiler';
import type { Output } from './output.ts';

export interface CompileOpts {
  node: string;
  facts?: string;
  environment: string;
  environmentpath?: string;
  modulepath?: string;
  hieraConfig?: string;
}

/** The environment's layout: `<environmentpath>/<env>/{manifests,modules,hiera.yaml}`, or flags. */
export function environmentFrom(opts: CompileOpts, manifest: string | undefined): EnvironmentConfig {
  const envDir = opts.environmentpath ? join(opts.environmentpath, opts.environment) : undefined;
  const m = manifest ?? (envDir ? join(envDir, 'manifests') : 'manifests/site.pp');
  const modulepath = opts.modulepath
    ? opts.modulepath.split(':').map((p) => resolve(p))
    : [envDir ? join(envDir, 'modules') : resolve('modules')];
  const hiera = opts.hieraConfig ?? (envDir && existsSync(join(envDir, 'hiera.yaml')) ? join(envDir, 'hiera.yaml') : undefined);
  return { name: opts.environment, manifest: resolve(m), modulepath, hieraConfig: hiera };
}

export function runCompile(manifest: string | undefined, opts: CompileOpts, out: Output): void {
  let facts: Map<string, Value> = new Map();
  if (opts.facts) {
    try {
      facts = loadFactsFile(opts.facts);
    } catch (e) {
      out.stderr(`kasper compile: cannot read facts: ${(e as Error).message}\n`);
      out.exitCode = 1;
      return;
    }
  }
  try {
    const catalog = compileCatalog({
      environment: environmentFrom(opts, manifest),
      node: opts.node,
      facts,
      log: (level, message, where) => out.stderr(`${level === 'err' ? 'error' : level}: ${message} (${where})\n`),
    });
    out.stdout(stringifyCatalog(catalog) + '\n');
  } catch (e) {
    if (e instanceof CompileError) {
      const l = e.location;
      out.stderr(`${l ? `${l.file}:${l.line}:${l.column}: ` : ''}error: ${e.message} [${e.code}]\n`);
      out.exitCode = 1;
      return;
    }
    throw e;
  }
}
