// The work behind `kasper compile`, loaded only when the command runs.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { stringifyCatalog } from '@kasper/catalog';
import { filesReadLastTime, rememberFilesRead, rubyStarted } from '@kasper/ruby/prestart';
import { CompileError, compileCatalog, environmentFromFolder, loadFactsFile, lookupKey, parseMerge, parsedFiles, readAhead, type EnvironmentConfig, type Value } from '@kasper/compiler';
import { printError, type Output } from './output.ts';
import { raise } from './messages.ts';

// The YAML library is loaded for `kasper lookup`'s output only: `kasper apply` shares this file's
// helpers and needs none of it.
const require = createRequire(import.meta.url);
const stringifyYaml = (value: unknown): string => (require('yaml') as typeof import('yaml')).stringify(value);

export interface CompileOpts {
  node: string;
  facts?: string;
  environment: string;
  environmentpath?: string;
  modulepath?: string;
  hieraConfig?: string;
  pretty?: boolean;
  /** `json` (Puppet's plain catalog, the default) or `rich_data_json` (Deferred values kept, as a master sends them). */
  renderAs?: string;
  /** Keep exported resources (as the copy stored for PuppetDB has them), not only what the node applies. */
  exported?: boolean;
}

/**
 * The environment: `<environmentpath>/<env>` read as Puppet reads an environment folder
 * (environment.conf included), or the current folder's manifests/ and modules/; flags win.
 */
export function environmentFrom(opts: CompileOpts, manifest: string | undefined): EnvironmentConfig {
  const envDir = opts.environmentpath ? join(opts.environmentpath, opts.environment) : undefined;
  const base: EnvironmentConfig = envDir
    ? environmentFromFolder(envDir, opts.environment)
    : { name: opts.environment, manifest: resolve('manifests/site.pp'), modulepath: [resolve('modules')], directory: process.cwd() };
  return {
    ...base,
    ...(manifest ? { manifest: resolve(manifest) } : {}),
    ...(opts.modulepath ? { modulepath: opts.modulepath.split(':').map((p) => resolve(p)) } : {}),
    ...(opts.hieraConfig ? { hieraConfig: opts.hieraConfig } : {}),
  };
}

/** The facts of `--facts FILE`, or none. */
export function factsFrom(file: string | undefined): Map<string, Value> {
  if (!file) return new Map();
  try {
    return loadFactsFile(file);
  } catch (e) {
    throw raise('KSP-CLI-006', { file, reason: (e as Error).message }, undefined, e);
  }
}

/**
 * This host's server facts, as `puppet catalog compile` sets them (Puppet's catalog compiler,
 * the one a master runs): serverversion, servername, serverip, serverip6 from Facter's fqdn,
 * ipaddress and ipaddress6.
 */
export async function localServerFacts(): Promise<Map<string, Value>> {
  const { collectFacts } = await import('@kasper/facts');
  const { PUPPET_VERSION } = await import('@kasper/catalog');
  const host = await collectFacts({ names: ['fqdn', 'ipaddress', 'ipaddress6', 'hostname'] });
  const out = new Map<string, Value>([['serverversion', PUPPET_VERSION]]);
  const name = host.fqdn || host.hostname;
  if (typeof name === 'string' && name) out.set('servername', name);
  if (typeof host.ipaddress === 'string' && host.ipaddress) out.set('serverip', host.ipaddress);
  if (typeof host.ipaddress6 === 'string' && host.ipaddress6) out.set('serverip6', host.ipaddress6);
  return out;
}

export async function runCompile(manifest: string | undefined, opts: CompileOpts, out: Output): Promise<void> {
  const renderAs = opts.renderAs ?? 'json';
  if (renderAs !== 'json' && renderAs !== 'rich_data_json') throw raise('KSP-CLI-026', { format: renderAs });
  const facts = factsFrom(opts.facts);
  const serverFacts = await localServerFacts();
  // While Ruby's early start finishes, the manifests this command line read the last time are
  // parsed (most from the disk cache of parsed files): work the compile would do anyway. V8's
  // compile of Ruby's module needs the main thread once, after decoding it, and gets it only when
  // the command waits for something, so the reading yields every few files.
  const ahead = filesReadLastTime();
  for (let i = 0; i < ahead.length; i += 4) {
    readAhead(ahead.slice(i, i + 4));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await rubyStarted();
  try {
    const catalog = compileCatalog({
      environment: environmentFrom(opts, manifest),
      node: opts.node,
      facts,
      serverFacts,
      richData: renderAs === 'rich_data_json',
      log: (level, message, where) => out.stderr(`${level === 'err' ? 'error' : level}: ${message} (${where})\n`),
    });
    // Indented for a person at a terminal (or --pretty), compact for programs, as Puppet prints it.
    // The node's catalog, as `puppet catalog compile` prints it: exported resources only when asked.
    const shown = opts.exported ? catalog : catalog.agentView();
    out.stdout(stringifyCatalog(shown, out.isTTY || opts.pretty ? 2 : 0) + '\n');
    rememberFilesRead(parsedFiles());
  } catch (e) {
    if (e instanceof CompileError) {
      printError(out, 'compile', e);
      return;
    }
    throw e;
  }
}

export interface LookupOpts extends CompileOpts {
  merge?: string;
  explain?: boolean;
  renderAs: string;
}

/** `kasper lookup KEY`: a Hiera value for a node, as `puppet lookup` prints it. */
export function runLookup(key: string, opts: LookupOpts, out: Output): void {
  const facts = factsFrom(opts.facts);
  const lines: string[] = [];
  try {
    const r = lookupKey({
      environment: environmentFrom(opts, undefined),
      node: opts.node,
      facts,
      key,
      merge: opts.merge ? parseMerge(opts.merge) : undefined,
      explain: opts.explain ? (line) => lines.push(line) : undefined,
    });
    if (opts.explain) out.stdout(lines.join('\n') + '\n');
    if (!r.found) {
      if (!opts.explain) printError(out, 'lookup', raise('KSP-CLI-007', { key }));
      out.exitCode = 1;
      return;
    }
    const plain = toPlain(r.value);
    if (opts.renderAs === 'json') out.stdout(`${JSON.stringify(plain, null, 2)}\n`);
    else {
      const yaml = stringifyYaml(plain).trimEnd();
      // As Puppet prints it: `--- value` for a scalar, `---` on its own line before a collection.
      out.stdout(yaml.includes('\n') || (typeof plain === 'object' && plain !== null) ? `---\n${yaml}\n` : `--- ${yaml}\n`);
    }
  } catch (e) {
    if (e instanceof CompileError) {
      printError(out, 'lookup', e);
      return;
    }
    throw e;
  }
}

function toPlain(v: Value): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toPlain(x)]));
  if (v === undefined) return null;
  if (typeof v === 'object') return String(v);
  return v;
}
