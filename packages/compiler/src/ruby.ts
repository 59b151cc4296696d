// The Ruby that modules ship, run through @kasper/ruby: ERB templates (template(),
// inline_template()) and functions in lib/puppet/functions (modern API) and
// lib/puppet/parser/functions (legacy API). Ruby sees the compilation through a RubyScope over
// the calling frame; its calls back into Puppet functions go through FunctionCalls.
//
// @kasper/ruby is required on first use, not imported: a compilation that meets no ERB and no
// Ruby function neither loads the package's code nor starts Ruby.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modulesOnPath } from '@kasper/files';
import type * as A from '@kasper/language';
import { parseSource } from '@kasper/language';
import type * as RubyApi from '@kasper/ruby';
import type * as TypeCacheApi from '@kasper/ruby/type-cache';
import type { FunctionHost, PuppetValue, RubyFunction, ValueFactory } from '@kasper/ruby';
import { errorAt, type Frame, type Lambda } from './frame.ts';
import { normalizeName, type Loader } from './loader.ts';
import type { Scope } from './scope.ts';
import type { CallParts, FunctionCalls } from './calls.ts';
import { parseType } from './functions/signature.ts';
import { BUILTIN_FUNCTIONS, rubyFreeFunctions } from './functions/index.ts';
import { classType, describeArgumentMismatch, generalize, inferType, resourceType, type PType } from './types/index.ts';
import { parseTimestamp } from './types/time.ts';
import { DEFAULT, PBinary, PRegexp, PSensitive, isType, toJsRegExp, type Value } from './values.ts';

let api: typeof RubyApi | undefined;
let typeCache: typeof TypeCacheApi | undefined;
/** @kasper/ruby, loaded on first use (importing it loads no Ruby; this keeps even its code out). */
function ruby(): typeof RubyApi {
  return (api ??= createRequire(import.meta.url)('@kasper/ruby') as typeof RubyApi);
}

/** Module types' metadata kept in the user's cache: loading it starts Ruby only for a type not seen before (or changed). */
function types(): typeof TypeCacheApi {
  return (typeCache ??= createRequire(import.meta.url)('@kasper/ruby/type-cache') as typeof TypeCacheApi);
}

/** Ruby's new values as the compiler's (Regexp, :default, Sensitive, references, types…). */
export const RUBY_VALUES: ValueFactory = {
  default: DEFAULT,
  regexp: (pattern) => new PRegexp(pattern),
  sensitive: (value) => new PSensitive(value as Value),
  resource: (typeName, title) => resourceType(typeName, title),
  classRef: (name) => classType(name),
  type: (text) => parseType(text) as PuppetValue,
  timestamp: (text) => parseTimestamp(text),
  binary: (base64) => new PBinary(new Uint8Array(Buffer.from(base64, 'base64'))),
};

/** Module types' attribute names and title patterns, per process: by file, loaded again when its text changes (null: not loadable). */
const typeAttributes = new Map<string, { text: string; attributes: ReadonlySet<string> | null; patterns: { regexp: RegExp; fields: string[] }[] | null }>();

/**
 * The attribute names a resource type a module ships in Ruby (lib/puppet/type/NAME.rb) takes —
 * its parameters, properties and own metaparameters — read by loading the type's definition in
 * Ruby as Puppet does; null when the type is not Ruby or does not load (then names go unchecked).
 * Only a site that declares such a type starts Ruby for it, and only when the type's metadata is
 * not in the user's cache yet (or the type, or a file it requires, changed).
 */
export function rubyTypeAttributes(loader: Loader, typeName: string): ReadonlySet<string> | null {
  return rubyTypeInfo(loader, typeName)?.attributes ?? null;
}

/** Per compilation (its loader): each type's entry, so that its file is read once per compile, not per resource. */
const typesByLoader = new WeakMap<Loader, Map<string, ReturnType<typeof loadTypeInfo>>>();

function rubyTypeInfo(loader: Loader, typeName: string) {
  let types = typesByLoader.get(loader);
  if (!types) typesByLoader.set(loader, (types = new Map()));
  let info = types.get(typeName);
  if (info === undefined) types.set(typeName, (info = loadTypeInfo(loader, typeName)));
  return info;
}

function loadTypeInfo(loader: Loader, typeName: string) {
  const file = loader.customTypeFile(typeName);
  if (!file?.endsWith('.rb')) return null;
  const text = readFileSync(file, 'utf8');
  const hit = typeAttributes.get(file);
  if (hit && hit.text === text) return hit;
  let attributes: ReadonlySet<string> | null = null;
  let patterns: { regexp: RegExp; fields: string[] }[] | null = null;
  try {
    const info = types().loadRubyTypeCached(text, file, { libDirs: libDirs(loader) });
    attributes = new Set([...info.parameters, ...info.properties, ...info.metaparams]);
    patterns = titlePatterns(info.titlePatterns);
  } catch (e) {
    if (!(e instanceof types().RubyError)) throw e;
  }
  const entry = { text, attributes, patterns };
  typeAttributes.set(file, entry);
  return entry;
}

/**
 * A type's title patterns as JavaScript regexps; null when there are none or one cannot be
 * translated (extended-syntax regexps). A Ruby regexp interpolated into another keeps its options
 * as an inline group, `(?-mix:…)`, which JavaScript lacks: such a group becomes a plain one (a
 * title has no newline, and option `i` inside one is not met in the modules' patterns).
 */
function titlePatterns(list: RubyApi.TitlePattern[] | undefined): { regexp: RegExp; fields: string[] }[] | null {
  if (!list || list.length === 0) return null;
  const out: { regexp: RegExp; fields: string[] }[] = [];
  for (const p of list) {
    if (p.options & 2) return null;
    const source = p.pattern.replace(/\(\?[imx]*(?:-[imx]*)?:/g, '(?:');
    try {
      out.push({ regexp: toJsRegExp(source, p.options & 1 ? 'i' : ''), fields: p.fields });
    } catch {
      return null;
    }
  }
  return out;
}

/**
 * The attributes a module type's title stands for, by the type's title patterns (the first that
 * matches; each capture sets its attribute), as Puppet reads a title; null when the type has no
 * patterns Kasper can read or none matches.
 */
export function rubyTypeTitleFields(loader: Loader, typeName: string, title: string): Map<string, string> | null {
  const patterns = rubyTypeInfo(loader, typeName)?.patterns;
  if (!patterns) return null;
  for (const { regexp, fields } of patterns) {
    const m = regexp.exec(title);
    if (!m) continue;
    const out = new Map<string, string>();
    fields.forEach((f, i) => {
      if (m[i + 1] !== undefined) out.set(f, m[i + 1]);
    });
    return out;
  }
  return null;
}

/** Loaded functions, per process: the descriptor holds the Ruby loaded from the file's text. */
const loaded = new Map<string, { text: string; fn: RubyFunction }>();

/** Where a loader found each Ruby function (null: none), and its modules' lib folders. */
const found = new WeakMap<Loader, { files: Map<string, string | null>; libDirs?: string[]; modules?: string[] }>();

function loaderCache(loader: Loader) {
  let c = found.get(loader);
  if (!c) found.set(loader, (c = { files: new Map() }));
  return c;
}

/** The module folders of the modulepath, first of each name. */
function moduleDirs(loader: Loader): string[] {
  const c = loaderCache(loader);
  if (!c.modules) {
    c.modules = modulesOnPath(loader.env.modulepath).map((m) => m.dir);
  }
  return c.modules;
}

/** Every module's lib folder, for `require` in templates and functions. */
function libDirs(loader: Loader): string[] {
  const c = loaderCache(loader);
  if (!c.libDirs) {
    c.libDirs = moduleDirs(loader).map((m) => join(m, 'lib')).filter((d) => existsSync(d));
    if (loader.env.directory && existsSync(join(loader.env.directory, 'lib'))) c.libDirs.unshift(join(loader.env.directory, 'lib'));
  }
  return c.libDirs;
}

/**
 * The Ruby file that defines a function, as Puppet's loaders find it: `mod::a::b` in
 * mod/lib/puppet/functions/mod/a/b.rb; a global name in the environment's lib/puppet/functions,
 * then each module's lib/puppet/functions, then each module's lib/puppet/parser/functions
 * (the legacy API).
 */
export function rubyFunctionFile(loader: Loader, name: string): string | undefined {
  const c = loaderCache(loader);
  const n = normalizeName(name);
  if (c.files.has(n)) return c.files.get(n) ?? undefined;
  const candidates: string[] = [];
  const segments = n.split('::');
  if (segments.some((s) => !/^[a-z_][a-z0-9_]*$/.test(s))) {
    c.files.set(n, null);
    return undefined;
  }
  const env = loader.env.directory;
  if (segments.length > 1) {
    if (segments[0] === 'environment' && env) candidates.push(join(env, 'lib', 'puppet', 'functions', ...segments) + '.rb');
    const dir = loader.moduleDir(segments[0]);
    if (dir) candidates.push(join(dir, 'lib', 'puppet', 'functions', ...segments) + '.rb');
  } else {
    if (env) candidates.push(join(env, 'lib', 'puppet', 'functions', `${n}.rb`));
    const mods = moduleDirs(loader);
    for (const m of mods) candidates.push(join(m, 'lib', 'puppet', 'functions', `${n}.rb`));
    for (const m of mods) candidates.push(join(m, 'lib', 'puppet', 'parser', 'functions', `${n}.rb`));
  }
  const file = candidates.find((p) => existsSync(p)) ?? null;
  c.files.set(n, file);
  return file ?? undefined;
}

/** Ruby for one compilation: templates and functions, with Ruby's view of the calling frame. */
export class RubyCalls {
  private readonly parts: CallParts;
  private readonly calls: FunctionCalls;
  private readonly types = new Map<string, PType | null>();

  constructor(parts: CallParts, calls: FunctionCalls) {
    this.parts = parts;
    this.calls = calls;
  }

  /** Renders an ERB template (`file` undefined for inline_template); errors name the template and line. */
  renderErb(source: string, file: string | undefined, name: string | undefined, frame: Frame, at: A.Range): string {
    const { renderErb, RubyError } = ruby();
    try {
      return renderErb(source, { file, name, scope: this.host(frame, at, undefined) });
    } catch (e) {
      if (e instanceof RubyError) throw errorAt('KSP-TEMPLATE-009', { message: e.message }, frame, at);
      throw e;
    }
  }

  /** The Ruby function of that name on the modulepath, loaded (once per process and file text). */
  findFunction(name: string): RubyFunction | undefined {
    const file = rubyFunctionFile(this.parts.loader, name);
    return file ? this.loadFile(file) : undefined;
  }

  /**
   * What a call made from Ruby resolves to when it is a Ruby function, as call() resolves names
   * (Kasper's own functions and functions in Puppet first); a Puppet 3 call (`function_x`)
   * finds a Puppet 3 function (lib/puppet/parser/functions) before a modern one, as Puppet's
   * Puppet::Parser::Functions does.
   */
  resolveFromRuby(name: string, legacy: boolean, load = true): RubyFunction | 'load' | undefined {
    const n = normalizeName(name);
    if (BUILTIN_FUNCTIONS.has(n) || this.parts.loader.findFunction(n)) return undefined;
    let file: string | undefined;
    if (legacy && !n.includes('::') && /^[a-z_][a-z0-9_]*$/.test(n)) {
      for (const m of moduleDirs(this.parts.loader)) {
        const f = join(m, 'lib', 'puppet', 'parser', 'functions', `${n}.rb`);
        if (existsSync(f)) {
          file = f;
          break;
        }
      }
    }
    file ??= rubyFunctionFile(this.parts.loader, n);
    if (!file) return undefined;
    if (!load && !this.isLoaded(file)) return 'load';
    return this.loadFile(file);
  }

  private isLoaded(file: string): boolean {
    const hit = loaded.get(file);
    return hit !== undefined && hit.text === this.parts.loader.readText(file);
  }

  private loadFile(file: string): RubyFunction {
    const text = this.parts.loader.readText(file);
    const hit = loaded.get(file);
    if (hit && hit.text === text) return hit.fn;
    const fn = ruby().loadRubyFunction(file, text, { libDirs: libDirs(this.parts.loader) });
    loaded.set(file, { text, fn });
    return fn;
  }

  /** Calls a Ruby function from `frame`: arguments checked against its dispatches by Kasper's types. */
  call(fn: RubyFunction, args: Value[], lambda: Lambda | null, frame: Frame, at: A.Range): Value {
    const { callRubyFunction, RubyArgumentError, RubyError } = ruby();
    const block = lambda ? (a: PuppetValue[]) => lambda.call(a as Value[]) as PuppetValue : undefined;
    try {
      return callRubyFunction(fn, args as PuppetValue[], block, this.host(frame, at, fn)) as Value;
    } catch (e) {
      if (e instanceof RubyArgumentError) throw errorAt('KSP-FUNC-040', { message: e.message }, frame, at);
      if (e instanceof RubyError) throw errorAt('KSP-FUNC-041', { message: e.message }, frame, at);
      throw e;
    }
  }

  /** A Puppet type from its text (aliases and a function's local types resolved), null if it is none. */
  private typeOf(text: string, fn: RubyFunction | undefined): PType | null {
    let t = text;
    if (fn?.localTypes.length) {
      for (let round = 0; round < 5; round++) {
        let changed = false;
        for (const lt of fn.localTypes) {
          const re = new RegExp(`(?<![\\w:])${lt.name}(?![\\w:])`, 'g');
          if (re.test(t)) {
            t = t.replace(re, lt.definition);
            changed = true;
          }
        }
        if (!changed) break;
      }
    }
    if (this.types.has(t)) return this.types.get(t)!;
    let type: PType | null = null;
    try {
      type = parseType(t);
    } catch {
      // A type the module defines (an alias): evaluate it as Puppet code would.
      const r = parseSource(t, '<type>');
      const e = r.program.body[0];
      if (e && !r.diagnostics.some((d) => d.severity === 'error')) {
        const top = this.parts.topScope;
        try {
          const v = this.parts.evaluator.evaluate(e, { scope: top, file: { path: '<type>', program: r.program, lineMap: r.lineMap, module: undefined }, container: undefined as never });
          if (isType(v)) type = v;
        } catch {
          type = null;
        }
      }
    }
    this.types.set(t, type);
    return type;
  }

  /** What Ruby sees of the compilation from `frame`. */
  private host(frame: Frame, at: A.Range, fn: RubyFunction | undefined): FunctionHost {
    const { parts, calls } = this;
    const lookup = (name: string) => parts.lookupVariable(name, frame);
    return {
      values: RUBY_VALUES,
      libDirs: libDirs(parts.loader),
      lookup: (name) => lookup(name).value as PuppetValue,
      exists: (name) => lookup(name).found,
      variables: () => visibleNames(frame.scope, parts.topScope),
      callFunction: (name, args, block) => {
        const lambda: Lambda | null = block ? { parameters: [{} as A.Parameter], call: (a) => block(a as PuppetValue[]) as Value } : null;
        return calls.call(name, args as Value[], lambda, frame, at) as PuppetValue;
      },
      runsNoRuby: (name) => rubyFreeFunctions().has(normalizeName(name)) && BUILTIN_FUNCTIONS.has(normalizeName(name)),
      rubyFunction: (name, legacy, load) => {
        const target = this.resolveFromRuby(name, legacy, load);
        return target === undefined || target === 'load' ? target : { fn: target, host: this.host(frame, at, target) };
      },
      setVariable: (name, value) => frame.scope.set(name, value as Value),
      mutated: (name, value) => {
        for (let s: Scope | null = frame.scope; s; s = s.parent) {
          if (s.hasLocal(name)) {
            s.set(name, value as Value);
            return;
          }
        }
      },
      hasFunction: (name) => {
        const n = normalizeName(name);
        return BUILTIN_FUNCTIONS.has(n) || parts.loader.findFunction(n) !== undefined || rubyFunctionFile(parts.loader, n) !== undefined;
      },
      isInstance: (type, value) => this.typeOf(type, fn)?.isInstance(value as Value) ?? true,
      describeMismatch: (type, value) => {
        const t = this.typeOf(type, fn);
        return t ? describeArgumentMismatch(t, value as Value) : `expects a ${type} value`;
      },
      inferType: (value, mode) => {
        const t = inferType(value as Value);
        return String(mode === 'reduced' && (Array.isArray(value) || value instanceof Map) ? generalize(t) : t);
      },
      parseType: (text) => {
        const t = this.typeOf(text, fn);
        if (!t) throw errorAt('KSP-TYPE-014', { text }, frame, at);
        return t as PuppetValue;
      },
      classes: () => parts.classes.order.slice(),
      findResource: (type, title) => {
        const r = parts.declarations.find(type, title);
        return r ? { type, title, parameters: r.params as Map<string, PuppetValue> } : undefined;
      },
      moduleName: () => frame.file.module,
      modulePath: (name) => parts.loader.moduleDir(name),
      moduleFile: (spec, subdir) => parts.loader.moduleFile(spec, subdir),
      modulepath: () => parts.loader.env.modulepath.slice(),
      log: (level, message) => parts.log(level, message, frame, at),
      fact: (name) => {
        const facts = parts.topScope.lookup('facts').value;
        return facts instanceof Map ? ruby().toJsonData(facts.get(name)) : undefined;
      },
    };
  }
}

/** Every variable name visible from a scope: its own and its parents', then top scope's. */
function visibleNames(scope: Scope, top: Scope): string[] {
  const names = new Set<string>();
  for (let s: Scope | null = scope; s; s = s.parent) for (const n of s.localNames()) names.add(n);
  for (const n of top.localNames()) names.add(n);
  return [...names];
}
