// Custom resource types' metadata (lib/puppet/type/NAME.rb), read by running the type's DSL
// against a recording Puppet::Type: what the compiler needs to check a declaration as Puppet
// does (attribute names, namevars, title patterns). Providers are not loaded.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { scopeContext, type RubyScope } from './scope.ts';
import { defaultLog, libDirsNear, loadRubySync, RawJson, type Context, type LogLevel } from './vm.ts';
import { findModuleRequire, hasProviders } from './module-files.ts';

export interface TitlePattern {
  /** The Ruby regexp's source (Ruby syntax, as Puppet's PRegexp keeps patterns). */
  pattern: string;
  /** Ruby regexp options (1 i, 2 x, 4 m). */
  options: number;
  /** The attribute each capture group sets, in order. */
  fields: string[];
}

export interface RubyAttribute {
  kind: 'parameter' | 'property';
  /** Values declared with newvalues/newvalue (symbols as their names). */
  values: string[];
  /** Regexps declared with newvalues, as Ruby sources. */
  regexes: string[];
  requiredFeatures: string[];
  boolean: boolean;
}

export interface RubyTypeInfo {
  name: string;
  /** Parameters, in declaration order (`provider` last when the type has providers, as Puppet adds it). */
  parameters: string[];
  /** Properties, `ensure` first when the type is ensurable. */
  properties: string[];
  /** The key attributes (namevars). */
  namevars: string[];
  /** The title patterns; undefined when the type's title_patterns failed (its message in `titlePatternsError`). */
  titlePatterns: TitlePattern[] | undefined;
  titlePatternsError?: string;
  features: { name: string; doc: string; methods: string[] }[];
  /** Metaparameters the type adds (rare). */
  metaparams: string[];
  doc: string;
  attributes: Record<string, RubyAttribute>;
  file: string;
}

export interface TypeLoadOptions {
  /** Whether the type has providers (Puppet then adds the `provider` parameter). Default: a lib/puppet/provider/NAME folder with a .rb file beside the type. */
  providers?: boolean;
  libDirs?: readonly string[];
  /** Facts for Facter.value in the type's body (default: this host's kernel and os facts). */
  fact?(name: string): unknown;
  /** Where the type's log calls at load go (Puppet.warning...); default configureRuby's log. */
  log?(level: LogLevel, message: string): void;
}

const noScope: RubyScope = {
  lookup: () => undefined,
  variables: () => [],
  callFunction: (name) => {
    throw new Error(`a type cannot call '${name}' while it loads`);
  },
};

/** Loads the types a file defines (usually one). Throws a RubyError when it fails to load. */
export function loadRubyTypes(source: string, path: string, options: TypeLoadOptions = {}): RubyTypeInfo[] {
  return load(source, path, options);
}

/**
 * What a type's loading read besides its own file, so that a cached answer can be checked: each
 * `require` (the name, the load-path folders module code added, and the module file it found, by
 * real path and digest, or null when Ruby's own library or the shim answered it) and each fact
 * asked for (as JSON). `cacheable` is false when loading did anything else whose answer may
 * change (ran a command, looked a program up, logged a message).
 */
export interface TypeLoadTrace {
  requires: { name: string; extra: string[]; path: string | null; digest: string | null }[];
  facts: { name: string; json: string }[];
  cacheable: boolean;
}

/** loadRubyTypes, also reporting what the loading read (for the type-metadata cache). */
export function loadRubyTypesTraced(source: string, path: string, options: TypeLoadOptions, trace: TypeLoadTrace): RubyTypeInfo[] {
  return load(source, path, options, trace);
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function load(source: string, path: string, options: TypeLoadOptions, trace?: TypeLoadTrace): RubyTypeInfo[] {
  const vm = loadRubySync();
  const libDirs = options.libDirs ?? libDirsNear(path);
  const providers = options.providers ?? hasProviders(path, basename(path, '.rb'), libDirs);
  const fields = `"path":${JSON.stringify(path)},"source":${JSON.stringify(source)},"providers":${providers}`;
  const scope: RubyScope = { ...noScope, fact: options.fact, log: options.log };
  let ctx: Context = scopeContext(vm, scope, libDirs);
  if (trace) {
    const base = ctx;
    ctx = {
      ...base,
      log(level, message) {
        trace.cacheable = false;
        if (base.log) base.log(level, message);
        else defaultLog(level, message);
      },
      handle(op, args) {
        if (op === 'require') {
          const extra = args[2] ? (JSON.parse(args[2]) as string[]) : [];
          const hit = findModuleRequire(args[0], [...libDirs, ...extra]);
          trace.requires.push({ name: args[0], extra, path: hit?.path ?? null, digest: hit ? sha256(hit.source) : null });
          return hit && new Map([['path', hit.path], ['source', hit.source]]);
        }
        const answer = base.handle!(op, args);
        if (op === 'fact' && answer instanceof RawJson) trace.facts.push({ name: args[0], json: answer.text });
        else trace.cacheable = false;
        return answer;
      },
    };
  }
  const list = vm.call('load_type', fields, ctx, path) as Map<string, unknown>[];
  return list.map((m) => {
    const patterns = m.get('titlePatterns');
    const attributes: Record<string, RubyAttribute> = {};
    for (const [name, a] of m.get('attributes') as Map<string, Map<string, unknown>>) {
      attributes[name] = {
        kind: a.get('kind') === 'property' ? 'property' : 'parameter',
        values: a.get('values') as string[],
        regexes: a.get('regexes') as string[],
        requiredFeatures: a.get('requiredFeatures') as string[],
        boolean: a.get('boolean') === true,
      };
    }
    const info: RubyTypeInfo = {
      name: m.get('name') as string,
      parameters: m.get('parameters') as string[],
      properties: m.get('properties') as string[],
      namevars: m.get('namevars') as string[],
      titlePatterns: Array.isArray(patterns)
        ? (patterns as Map<string, unknown>[]).map((p) => ({ pattern: p.get('pattern') as string, options: Number(p.get('options')), fields: p.get('fields') as string[] }))
        : undefined,
      features: (m.get('features') as Map<string, unknown>[]).map((f) => ({ name: f.get('name') as string, doc: f.get('doc') as string, methods: f.get('methods') as string[] })),
      metaparams: m.get('metaparams') as string[],
      doc: m.get('doc') as string,
      attributes,
      file: path,
    };
    if (patterns instanceof Map) info.titlePatternsError = String(patterns.get('error'));
    return info;
  });
}

/** Loads the type a file defines (the one named as the file, else the first). */
export function loadRubyType(source: string, path: string, options: TypeLoadOptions = {}): RubyTypeInfo {
  const all = loadRubyTypes(source, path, options);
  const expected = basename(path, '.rb');
  return all.find((t) => t.name === expected) ?? all[0];
}
