// Puppet functions written in Ruby: loading a file describes the functions it creates (name,
// API, dispatches with their Puppet types); calling one selects the dispatch with the host's
// type system (Kasper's), runs the Ruby method and checks its return type.
import { join } from 'node:path';
import { cacheFolder, cacheVersion, keepIseq, readIseq, sha256, type IseqEntry } from './disk-cache.ts';
import { RubyError } from './errors.ts';
import { scopeContext, type HostBlock, type RubyScope } from './scope.ts';
import type { PuppetValue } from './values.ts';
import { libDirsNear, loadRubySync, type LogLevel } from './vm.ts';

export interface RubyParameter {
  name: string;
  /** A Puppet type expression (`Variant[String, Array[String]]`). */
  type: string;
  kind: 'required' | 'optional' | 'repeated' | 'required_repeated';
}

export interface RubyDispatch {
  /** The Ruby method the dispatch calls. */
  method: string;
  params: RubyParameter[];
  block: { name: string; type: string; optional: boolean } | undefined;
  returnType: string | undefined;
  /** The calling scope is passed as the first argument (InternalFunction's scope_param). */
  scopeParam: boolean;
  /** An argument_mismatch dispatch: called when no other matches, to word the error. */
  argumentMismatch: boolean;
  /** Fewest arguments, and most (-1: no limit). */
  min: number;
  max: number;
}

export interface RubyFunction {
  /** As Puppet calls it: `merge`, `stdlib::merge`. */
  readonly name: string;
  /** `modern`: Puppet::Functions.create_function; `legacy`: Puppet::Parser::Functions.newfunction. */
  readonly api: 'modern' | 'legacy';
  readonly file: string;
  /** Modern: the dispatches in the order Puppet tries them. */
  readonly dispatches: readonly RubyDispatch[];
  /** Modern: the function overrides `call`, so Ruby selects its dispatch itself. */
  readonly customCall: boolean;
  /** Modern: `local_types` aliases (`name`, `definition`). */
  readonly localTypes: readonly { name: string; definition: string }[];
  /** Legacy: `rvalue` returns a value; `statement` returns undef. */
  readonly type: 'rvalue' | 'statement' | undefined;
  /** Legacy: the declared arity (-1: any; -n: at least n-1). */
  readonly arity: number | undefined;
  readonly doc: string | undefined;
  /** @internal the id Ruby knows the function by */
  readonly id: number;
}

/** What a Ruby function may ask of the compilation (RubyScope, and type checks for dispatch). */
export interface FunctionHost extends RubyScope {
  isInstance(type: string, value: PuppetValue): boolean;
}

export interface LoadOptions {
  /** Module lib folders for `require` (default: every module's lib beside the file). */
  libDirs?: readonly string[];
  /** Where log calls made while the file loads go; default configureRuby's log. */
  log?(level: LogLevel, message: string): void;
}

interface Raw {
  id: bigint;
  name: string;
  api: 'modern' | 'legacy';
  dispatches?: Map<string, unknown>[];
  customCall?: boolean;
  localTypes?: Map<string, unknown>[];
  type?: string;
  arity?: bigint;
  doc?: string;
}

function toDispatch(m: Map<string, unknown>): RubyDispatch {
  const block = m.get('block') as Map<string, unknown> | undefined;
  return {
    method: m.get('method') as string,
    params: (m.get('params') as Map<string, unknown>[]).map((p) => ({ name: p.get('name') as string, type: p.get('type') as string, kind: p.get('kind') as RubyParameter['kind'] })),
    block: block === undefined ? undefined : { name: block.get('name') as string, type: block.get('type') as string, optional: block.get('optional') === true },
    returnType: (m.get('returnType') as string | undefined) ?? undefined,
    scopeParam: m.get('scopeParam') === true,
    argumentMismatch: m.get('argumentMismatch') === true,
    min: Number(m.get('min')),
    max: Number(m.get('max')),
  };
}

const loadScope: RubyScope = {
  lookup: () => undefined,
  variables: () => [],
  callFunction: (name) => {
    throw new Error(`a function file cannot call '${name}' while it loads`);
  },
};

/**
 * Function files' compiled code kept in the user's cache (`functions/`), as template files' is
 * (erb.ts): Ruby's instruction sequence for the file, as binary, so that a later process does not
 * parse it. Besides the parse itself, the first parse in a process pays V8's compiling of Ruby's
 * parser (~15 ms of CPU), which a compile whose templates and functions all come from the cache
 * never needs. An entry is named by the file and holds the digest of the text it was compiled
 * from, used only for that text, with the same Ruby and shim (cacheVersion()).
 * `KASPER_RUBY_TEMPLATE_CACHE=0` turns it off with the templates' cache.
 */
type FunctionCache = IseqEntry;

const MAGIC = 'kasper-ruby-function-1';
/** What this process did, for tests and benchmarks. */
export const functionCacheStats = { hits: 0, misses: 0, written: 0 };

function functionCache(path: string, source: string): FunctionCache | undefined {
  const dir = process.env.KASPER_RUBY_TEMPLATE_CACHE === '0' ? undefined : cacheFolder('functions');
  if (!dir) return undefined;
  const key = sha256(`${MAGIC}\0${cacheVersion()}\0${path}`);
  const entry: FunctionCache = { file: join(dir, `${key.slice(0, 40)}.json`), key, source: sha256(source) };
  entry.iseq = readIseq(MAGIC, entry);
  if (entry.iseq) functionCacheStats.hits++;
  else functionCacheStats.misses++;
  return entry;
}

/**
 * Loads the Ruby functions one file defines (usually one). `path` names the file in errors and
 * for `require_relative`. Throws a RubyError when the file fails to load.
 */
export function loadRubyFunctions(path: string, source: string, options: LoadOptions = {}): RubyFunction[] {
  const vm = loadRubySync();
  const ctx = scopeContext(vm, { ...loadScope, log: options.log }, options.libDirs ?? libDirsNear(path));
  let fields = `"path":${JSON.stringify(path)},"source":${JSON.stringify(source)}`;
  const cache = functionCache(path, source);
  if (cache) {
    fields += keepIseq(MAGIC, cache, ctx, 'keep_function', functionCacheStats);
  }
  const list = vm.call('load_function', fields, ctx, path) as Map<string, unknown>[];
  return list.map((m) => {
    const r = Object.fromEntries(m) as unknown as Raw;
    return {
      id: Number(r.id),
      name: r.name,
      api: r.api,
      file: path,
      dispatches: (r.dispatches ?? []).map(toDispatch),
      customCall: r.customCall === true,
      localTypes: (r.localTypes ?? []).map((t) => ({ name: t.get('name') as string, definition: t.get('definition') as string })),
      type: r.api === 'legacy' ? (r.type === 'rvalue' ? 'rvalue' : 'statement') : undefined,
      arity: r.arity === undefined ? undefined : Number(r.arity),
      doc: r.doc ?? undefined,
    };
  });
}

/**
 * Loads the function a file defines: the one named as the file's place says (`mod::a::b` for
 * lib/puppet/functions/mod/a/b.rb, `x` for lib/puppet/parser/functions/x.rb), else its first.
 */
export function loadRubyFunction(path: string, source: string, options: LoadOptions = {}): RubyFunction {
  const all = loadRubyFunctions(path, source, options);
  if (all.length === 0) throw new RubyError(`${path} defines no function`, { rubyClass: 'Puppet::Error', detail: `${path} defines no function`, file: path });
  const expected = expectedName(path);
  return all.find((f) => f.name === expected) ?? all[0];
}

/** The function name Puppet's autoloader expects in a file. */
export function expectedName(path: string): string | undefined {
  const modern = /\/lib\/puppet\/functions\/(.+)\.rb$/.exec(path);
  if (modern) return modern[1].split('/').join('::');
  const legacy = /\/lib\/puppet\/parser\/functions\/([^/]+)\.rb$/.exec(path);
  return legacy ? legacy[1] : undefined;
}

/** Why no dispatch took the arguments; thrown by callRubyFunction. */
export class RubyArgumentError extends Error {
  readonly function: RubyFunction;
  constructor(fn: RubyFunction, message: string) {
    super(message);
    this.name = 'RubyArgumentError';
    this.function = fn;
  }
}

function arityOk(d: RubyDispatch, n: number, hasBlock: boolean): boolean {
  if (n < d.min || (d.max >= 0 && n > d.max)) return false;
  if (d.block === undefined) return !hasBlock;
  return hasBlock || d.block.optional;
}

function paramAt(d: RubyDispatch, i: number): RubyParameter {
  return d.params[Math.min(i, d.params.length - 1)];
}

function matches(d: RubyDispatch, args: PuppetValue[], hasBlock: boolean, host: FunctionHost): boolean {
  if (!arityOk(d, args.length, hasBlock)) return false;
  return args.every((a, i) => {
    const p = paramAt(d, i);
    return p.type === 'Any' || host.isInstance(p.type, a);
  });
}

/**
 * A type as Puppet prints it: a space after each comma (`Hash[Scalar, Any]`), leaving quoted
 * strings and regexps alone.
 */
export function typeText(text: string): string {
  let out = '';
  let quote = '';
  let prev = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += text[++i] ?? '';
        continue;
      }
      if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || (c === '/' && (prev === '[' || prev === ','))) quote = c;
    if (c === ',') {
      out += ', ';
      while (text[i + 1] === ' ') i++;
      prev = ',';
      continue;
    }
    out += c;
    if (c !== ' ') prev = c;
  }
  return out;
}

/** A dispatch's signature as Puppet prints it in "expects one of" errors. */
export function signatureText(d: RubyDispatch): string {
  const mark = { required: '', optional: '?', repeated: '*', required_repeated: '+' } as const;
  const parts = d.params.map((p) => `${typeText(p.type)} ${p.name}${mark[p.kind]}`);
  if (d.block) parts.push(`${typeText(d.block.type)} ${d.block.name}${d.block.optional ? '?' : ''}`);
  return `(${parts.join(', ')})`;
}

/** Why a dispatch does not take the arguments, as Puppet words it; undefined when it does. */
function rejection(d: RubyDispatch, args: PuppetValue[], hasBlock: boolean, host: FunctionHost): string | undefined {
  if (!arityOk(d, args.length, hasBlock)) {
    if (d.block && !d.block.optional && !hasBlock) return 'expects a block';
    if (!d.block && hasBlock) return 'does not expect a block';
    const expected = d.min === d.max ? `${d.min}` : d.max < 0 ? `at least ${d.min}` : `between ${d.min} and ${d.max}`;
    return `expects ${expected} argument${expected === '1' ? '' : 's'}, got ${args.length}`;
  }
  for (let i = 0; i < args.length; i++) {
    const p = paramAt(d, i);
    if (p.type !== 'Any' && !host.isInstance(p.type, args[i])) {
      return `parameter '${p.name}' ${host.describeMismatch ? host.describeMismatch(p.type, args[i]) : `expects a ${typeText(p.type)} value`}`;
    }
  }
  return undefined;
}

export function mismatch(fn: RubyFunction, args: PuppetValue[], hasBlock: boolean, host: FunctionHost): string {
  const real = fn.dispatches.filter((d) => !d.argumentMismatch);
  if (real.length === 1) return `'${fn.name}' ${rejection(real[0], args, hasBlock, host) ?? 'rejected the arguments'}`;
  const lines = real.map((d) => `  ${signatureText(d)}\n    rejected: ${rejection(d, args, hasBlock, host) ?? '?'}`);
  return `The function '${fn.name}' was called with arguments it does not accept. It expects one of:\n${lines.join('\n')}`;
}

/**
 * Selects the dispatch Puppet would call for these arguments: the first whose count, block and
 * parameter types (checked by `isInstance`) all fit. -1 when none does.
 */
export function selectDispatch(fn: RubyFunction, args: PuppetValue[], hasBlock: boolean, host: FunctionHost): number {
  const i = fn.dispatches.findIndex((d) => !d.argumentMismatch && matches(d, args, hasBlock, host));
  if (i >= 0) return i;
  return fn.dispatches.findIndex((d) => d.argumentMismatch && arityOk(d, args.length, hasBlock));
}

/**
 * Calls a Ruby function. `block` is the Puppet lambda given to the call, if any. Modern functions
 * get their arguments checked against the selected dispatch (a RubyArgumentError when none
 * fits) and their result against its return type; legacy ones get Puppet 3's values (undef as
 * '', regexps as text...) and their arity checked as Puppet 3 does. Errors in the Ruby code are
 * RubyErrors naming the function's file and line; errors from the host (a call_function back
 * into Kasper that failed) come through unchanged.
 */
export function callRubyFunction(fn: RubyFunction, args: PuppetValue[], block: HostBlock | undefined, host: FunctionHost): PuppetValue {
  const vm = loadRubySync();
  let dispatch: RubyDispatch | undefined;
  let index: number | undefined;
  if (fn.api === 'modern' && !fn.customCall) {
    index = selectDispatch(fn, args, block !== undefined, host);
    if (index < 0) throw new RubyArgumentError(fn, mismatch(fn, args, block !== undefined, host));
    dispatch = fn.dispatches[index];
  }
  const enc = vm.encode(args);
  const blockId = block === undefined ? undefined : vm.lendBlock(block);
  const fields = `"id":${fn.id},"args":${enc.text},"special":${enc.special},"dispatch":${index ?? 'null'},"block":${blockId ?? 'null'}`;
  const ctx = scopeContext(vm, host, host.libDirs ?? libDirsNear(fn.file));
  const result = vm.call('call_function', fields, ctx, fn.file) as PuppetValue;
  if (dispatch?.returnType && dispatch.returnType !== 'Any' && !host.isInstance(dispatch.returnType, result)) {
    const why = host.describeMismatch ? host.describeMismatch(dispatch.returnType, result) : `expects a ${dispatch.returnType} value`;
    throw new RubyArgumentError(fn, `value returned from function '${dispatch.method}' ${why}`);
  }
  return result;
}
