// The work behind `kasper compile`, loaded only when the command runs.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringifyCatalog } from '@kasper/catalog';
import { CompileError, compileCatalog, environmentFromFolder, loadFactsFile, lookupKey, parseMerge, type EnvironmentConfig, type Value } from '@kasper/compiler';
import { stringify as stringifyYaml } from 'yaml';
import type { Output } from './output.ts';

export interface CompileOpts {
  node: string;
  facts?: string;
  environment: string;
  environmentpath?: string;
  modulepath?: string;
  hieraConfig?: string;
  pretty?: boolean;
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
    // Indented for a person at a terminal (or --pretty), compact for programs, as Puppet prints it.
    out.stdout(stringifyCatalog(catalog, out.isTTY || opts.pretty ? 2 : 0) + '\n');
  } catch (e) {
    if (e instanceof CompileError) {
      printCompileError(e, out);
      return;
    }
    throw e;
  }
}

/** `file:line:column: error: message [code]`, then the line and a caret under the spot. */
export function printCompileError(e: CompileError, out: Output): void {
  const l = e.location;
  out.stderr(`${l ? `${l.file}:${l.line}:${l.column}: ` : ''}error: ${e.message} [${e.code}]\n`);
  if (l) {
    try {
      const text = readFileSync(l.file, 'utf8').split('\n')[l.line - 1];
      if (text !== undefined) {
        const gutter = `${l.line} | `;
        out.stderr(`${gutter}${text}\n${' '.repeat(gutter.length)}${text.slice(0, l.column - 1).replace(/[^\t]/g, ' ')}^\n`);
      }
    } catch {
      // the file is gone or unreadable: the position alone still says where
    }
  }
  out.exitCode = 1;
}

export interface LookupOpts extends CompileOpts {
  merge?: string;
  explain?: boolean;
  renderAs: string;
}

/** `kasper lookup KEY`: a Hiera value for a node, as `puppet lookup` prints it. */
export function runLookup(key: string, opts: LookupOpts, out: Output): void {
  let facts: Map<string, Value> = new Map();
  if (opts.facts) {
    try {
      facts = loadFactsFile(opts.facts);
    } catch (e) {
      out.stderr(`kasper lookup: cannot read facts: ${(e as Error).message}\n`);
      out.exitCode = 1;
      return;
    }
  }
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
      if (!opts.explain) out.stderr(`kasper lookup: no value found for '${key}'\n`);
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
      printCompileError(e, out);
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
