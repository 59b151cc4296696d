// @kasper/compiler: manifests + facts → catalog.
import type { Catalog } from '@kasper/catalog';
import { Compilation, type NodeInfo } from './compilation.ts';
import { Loader, type EnvironmentConfig } from './loader.ts';
import { Hiera } from './hiera.ts';
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
  const hiera = new Hiera(req.environment.hieraConfig ? [req.environment.hieraConfig] : [], (m) => loader.moduleDir(m));
  return new Compilation({ loader, node, hiera, log: req.log, version: req.version }).compile();
}
