// @kasper/compiler: manifests + facts → catalog.
import type { Catalog } from '@kasper/catalog';
import { Compilation, type NodeInfo } from './compilation.ts';
import { trustedData } from './trusted.ts';
import { fromData } from './facts.ts';
import { Loader, type EnvironmentConfig } from './loader.ts';
import { Hiera, type MergeOptions } from './hiera.ts';
import { PSensitive, type Value } from './values.ts';
import type { CollectExported } from './collectors.ts';
import type { QueryPuppetDB } from './functions/puppetdb.ts';

export { CompileError, type SourceLocation } from './errors.ts';
export { COMPILER_MESSAGES, type CompilerCode } from './messages.ts';
export { Loader, parsedFiles, readAhead, type EnvironmentConfig } from './loader.ts';
export { Compilation, type NodeInfo, type CompileOptions } from './compilation.ts';
export type { CollectExported, ExportedQuery, ExportedResource } from './collectors.ts';
export { answerExported, askExported, askPuppetDB, type ExportedSource, type PuppetDBSource } from './exported-bridge.ts';
export type { QueryPuppetDB } from './functions/puppetdb.ts';
export { Hiera, HieraError, parseMerge, type MergeOptions, type MergeStrategy } from './hiera.ts';
export { loadFactsFile, factsFromData, fromData, parseJsonData, parseYamlData, parseYaml11Data } from './facts.ts';
export { classificationFromYaml } from './classification.ts';
export * from './values.ts';

export interface CompileRequest {
  environment: EnvironmentConfig;
  node: string;
  facts: Map<string, Value>;
  trusted?: Map<string, Value>;
  /** From a node classifier: classes (parameters for resource-like, null for include-like) and top-scope variables. */
  classes?: Map<string, Map<string, Value> | null>;
  parameters?: Map<string, Value>;
  /** The compiling side's facts (serverversion, servername, serverip…), as a master sets them; see NodeInfo. */
  serverFacts?: Map<string, Value>;
  log?: (level: string, message: string, where: string) => void;
  version?: number | string;
  /** Other nodes' exported resources for `Type <<| |>>`, from the master's storage; none without it. */
  collectExported?: CollectExported;
  /** PuppetDB queries for puppetdb_query, from the master's storage; without it the function fails. */
  queryPuppetDB?: QueryPuppetDB;
  /**
   * false: Deferred values as the Strings plain `puppet catalog compile` prints (with a warning
   * each); by default rich data, as a master sends them and an agent needs them.
   */
  richData?: boolean;
}

/** Compiles one node's catalog. Errors are CompileErrors with a position in the Puppet code. */
export function compileCatalog(req: CompileRequest): Catalog {
  const loader = new Loader(req.environment);
  const node: NodeInfo = { name: req.node, facts: req.facts, trusted: req.trusted, classes: req.classes, parameters: req.parameters, serverFacts: req.serverFacts };
  const configs = [req.environment.globalHieraConfig, req.environment.hieraConfig].filter((c): c is string => c !== undefined);
  const hiera = new Hiera(configs, (m) => loader.moduleDir(m), req.environment.hieraConfig);
  return new Compilation({ loader, node, hiera, log: req.log, version: req.version, richData: req.richData, collectExported: req.collectExported, queryPuppetDB: req.queryPuppetDB }).compile();
}

export interface LookupRequest {
  environment: EnvironmentConfig;
  node: string;
  facts: Map<string, Value>;
  trusted?: Map<string, Value>;
  key: string;
  merge?: MergeOptions;
  /** Called with each step of the search (`kasper lookup --explain`). */
  explain?: (line: string) => void;
}

/**
 * Looks a key up in Hiera for a node, as `puppet lookup` does without compiling: the hierarchy
 * interpolates facts, `$trusted` and the node's top-scope variables.
 */
export function lookupKey(req: LookupRequest): { found: boolean; value: Value } {
  const loader = new Loader(req.environment);
  const configs = [req.environment.globalHieraConfig, req.environment.hieraConfig].filter((c): c is string => c !== undefined);
  const trusted = req.trusted ?? fromData(trustedData(req.node)) as Map<string, Value>;
  const variable = (name: string): Value => {
    if (name === 'facts') return req.facts;
    if (name === 'trusted') return trusted;
    if (name === 'environment') return req.environment.name;
    if (name === 'clientcert') return req.node;
    return req.facts.get(name);
  };
  const hiera = new Hiera(configs, (m) => loader.moduleDir(m));
  // Without a compile only lookup_options' `convert_to: Sensitive` is applied (other types need
  // the evaluator's `new`); a Sensitive value prints as Puppet's lookup prints it: redacted.
  const convert = (value: Value, typeName: string): Value => (typeName === 'Sensitive' && !(value instanceof PSensitive) ? new PSensitive(value) : value);
  return hiera.lookup(req.key, { variable, explain: req.explain, convert }, req.merge);
}
export { MOUNTS, listMount, parsePuppetUrl, resolveMountPath, type ListOptions, type ListedEntry, type MountEntry, type MountName } from './file-mounts.ts';
export { deployedCommit, environmentFromFolder, readEnvironmentConf, type EnvironmentOptions } from './environment.ts';
export { trustedData, type TrustedOptions } from './trusted.ts';
export { deferredCaller, fromCatalogData, type DeferredCallerOptions } from './deferred-calls.ts';
