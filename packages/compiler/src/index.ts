// @kasper/compiler: manifests + facts → catalog.
import type { Catalog } from '@kasper/catalog';
import { Compilation, type NodeInfo } from './compilation.ts';
import { Loader, type EnvironmentConfig } from './loader.ts';
import { Hiera, HieraError } from './hiera.ts';
import { CompileError } from './errors.ts';
import type { Value } from './values.ts';

export { CompileError, COMPILE_ERROR_CODES, type CompileErrorCode } from './errors.ts';
export { Loader, type EnvironmentConfig } from './loader.ts';
export { Compilation, type NodeInfo, type CompileOptions } from './compilation.ts';
export { Hiera, HieraError, type MergeOptions, type MergeStrategy } from './hiera.ts';
export { loadFactsFile, fromData, parseJsonData, parseYamlData } from './facts.ts';
export * from './values.ts';

export interface CompileRequest {
  environment: EnvironmentConfig;
  node: string;
  facts: Map<string, Value>;
  trusted?: Map<string, Value>;
  log?: (level: string, message: string, where: string) => void;
  version?: number;
}

/** Compiles one node's catalog. Errors are CompileErrors with a position in the Puppet code. */
export function compileCatalog(req: CompileRequest): Catalog {
  const loader = new Loader(req.environment);
  const node: NodeInfo = { name: req.node, facts: req.facts, trusted: req.trusted };
  let hiera: Hiera;
  const configs = [req.environment.globalHieraConfig, req.environment.hieraConfig].filter((c): c is string => c !== undefined);
  try {
    hiera = new Hiera(configs, (m) => loader.moduleDir(m));
  } catch (e) {
    if (e instanceof HieraError) throw new CompileError('KSP-HIERA-001', e.message);
    throw e;
  }
  return new Compilation({ loader, node, hiera, log: req.log, version: req.version }).compile();
}
