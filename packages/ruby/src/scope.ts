// What module Ruby sees of the compilation: the scope a template or function runs in. The
// compiler implements RubyScope; this file turns Ruby's calls (lookupvar, call_function,
// function_x, type checks...) into calls on it.
import type { Context, LogLevel, RubyVm } from './vm.ts';
import { RawJson, UNHANDLED } from './vm.ts';
import { hostFact } from './host-facts.ts';
import { plainValues, type PuppetValue, type ValueFactory } from './values.ts';
import { mismatch, RubyArgumentError, selectDispatch, type FunctionHost, type RubyFunction } from './functions.ts';

/** A Puppet lambda, as the host gives it to Ruby (Ruby calls it with `yield` or `block.call`). */
export type HostBlock = (args: PuppetValue[]) => PuppetValue;

/** A resource in the catalog, as `scope.findresource` shows it. */
export interface ResourceInfo {
  type: string;
  title: string;
  parameters: Map<string, PuppetValue>;
}

export interface RubyScope {
  /**
   * A variable as the scope sees it: `x`, `::x`, `mod::cls::x`; undefined when it is not set.
   * Serves `@x` in templates, `scope['x']` and `scope.lookupvar('x')`.
   */
  lookup(name: string): PuppetValue;
  /** The names of every variable the scope sees (local, inherited, top scope, facts). */
  variables(): Iterable<string>;
  /**
   * Calls a function from the scope (`scope.call_function`, `call_function` in a function,
   * `scope.function_x([...])` with `legacy` set: a Puppet 3 style call, whose statement
   * functions answer undef).
   */
  callFunction(name: string, args: PuppetValue[], block: HostBlock | undefined, legacy: boolean): PuppetValue;

  /** Makes Ruby's new values (a Regexp, :default, a Sensitive) into the host's. */
  readonly values?: ValueFactory;
  /** Module lib folders `require` searches (default: every module's lib beside the file). */
  readonly libDirs?: readonly string[];
  /** Whether a variable is set, even to undef (`scope.exist?`). Default: lookup is not undef. */
  exists?(name: string): boolean;
  /** `scope['x'] = v` from Ruby. Without it, setting a variable is an error. */
  setVariable?(name: string, value: PuppetValue): void;
  /**
   * The Ruby function a call made from Ruby resolves to, loaded (`legacy`: a Puppet 3 call,
   * `scope.function_x`, which finds Puppet 3 functions first), with the host that checks its
   * types; undefined when the name is not a Ruby function. Ruby then runs it without leaving
   * the VM. Without this method every call goes through callFunction. Unless `load` is set,
   * the answer must not run Ruby: `'load'` says the function's file has to be loaded first
   * (Ruby then asks again, from where loading may run Ruby).
   */
  rubyFunction?(name: string, legacy: boolean, load: boolean): { fn: RubyFunction; host: FunctionHost } | 'load' | undefined;
  /**
   * Whether a call by that name, given no block, is to a function that never runs Ruby (nor
   * Puppet code, which may call Ruby): Ruby then has it called in place, without waiting in its
   * call's fiber for the answer. Default: no.
   */
  runsNoRuby?(name: string): boolean;
  /** Whether a function exists (Puppet::Parser::Functions.function). Default: yes. */
  hasFunction?(name: string): boolean;
  /** Whether `value` is an instance of the type written as `type` (Puppet's syntax). */
  isInstance?(type: string, value: PuppetValue): boolean;
  /** "expects a String value, got Integer", as Kasper words a mismatch. */
  describeMismatch?(type: string, value: PuppetValue): string;
  /** A type value for its text (`Integer[1, 2]`), for Puppet::Pops::Types::TypeParser. */
  parseType?(text: string): PuppetValue;
  /**
   * The type of a value as text, as Puppet infers it: `detailed` is TypeCalculator.infer_set
   * (Tuple and Struct, what `type()` gives), `reduced` TypeCalculator.infer (Array and Hash).
   */
  inferType?(value: PuppetValue, mode: 'detailed' | 'reduced'): string;
  /** Classes declared so far (a template's `classes`). */
  classes?(): string[];
  /** Tags of the catalog so far (a template's `all_tags`). */
  tags?(): string[];
  findResource?(type: string, title: string): ResourceInfo | undefined;
  /** The module the calling code belongs to. */
  moduleName?(): string | undefined;
  /** A module's folder by name. */
  modulePath?(name: string): string | undefined;
  /** `mod/file` in a module's `files` or `templates` folder. */
  moduleFile?(spec: string, subdir: 'files' | 'templates'): string | undefined;
  /** The environment's modulepath. */
  modulepath?(): string[];
  log?(level: LogLevel, message: string): void;
  /** A fact for Facter.value in module code (default: this host's kernel and os facts). */
  fact?(name: string): unknown;
  /**
   * A template changed a string variable in place (`@s << 'x'`), which under Puppet changes
   * the value wherever it is used. Arrays and hashes are changed in place in JavaScript.
   */
  mutated?(name: string, value: PuppetValue): void;
}

const str = (v: PuppetValue) => (v === undefined ? '' : String(v));

/** The Context that answers Ruby's host calls for `scope`; `libDirs` when the scope has none. */
export function scopeContext(vm: RubyVm, scope: RubyScope, libDirs?: readonly string[]): Context {
  const values = scope.values ?? plainValues;
  /** Ruby functions resolved for calls from Ruby, by id: their return types are checked here. */
  const resolved = new Map<number, { fn: RubyFunction; host: FunctionHost }>();
  const ctx: Context = {
    values,
    libDirs: scope.libDirs ?? libDirs,
    log: scope.log ? (level, message) => scope.log!(level, message) : undefined,
    handle(op, args) {
      switch (op) {
        case 'lookup': {
          const v = scope.lookup(args[0]);
          vm.keep(v);
          return v;
        }
        case 'exist':
          return scope.exists ? scope.exists(args[0]) : scope.lookup(args[0]) !== undefined;
        case 'variables_hash': {
          const m = new Map<string, PuppetValue>();
          for (const name of scope.variables()) {
            const v = scope.lookup(name);
            if (v !== undefined) m.set(name, v);
          }
          return m;
        }
        case 'setvar': {
          if (!scope.setVariable) throw new Error(`Cannot set variable '${args[0]}' from Ruby here`);
          const v = vm.decode(args[1], values) as PuppetValue;
          scope.setVariable(args[0], v);
          // Ruby goes on holding the hash or array it set, as the variable's value
          return args[2] === 'keep' ? (vm.keep(v) === undefined ? undefined : BigInt(vm.keep(v)!)) : undefined;
        }
        case 'call_function': {
          const list = vm.decode(args[1], values) as PuppetValue[];
          const blockId = args[2] ? Number(args[2]) : undefined;
          const block: HostBlock | undefined = blockId === undefined ? undefined : (blockArgs) => {
            const enc = vm.encode(blockArgs);
            return vm.call('call_block', `"id":${blockId},"args":${enc.text}`, ctx) as PuppetValue;
          };
          return scope.callFunction(args[0], list, block, args[3] === 'legacy');
        }
        case 'ruby_function':
        case 'load_ruby_function': {
          // A function that runs no Ruby is called here and now: its value is the answer.
          if (op === 'ruby_function' && args[2] !== 'block' && scope.runsNoRuby?.(args[0])) {
            const list = vm.decode(args[3], values) as PuppetValue[];
            return new Map<string, PuppetValue>([['value', scope.callFunction(args[0], list, undefined, args[1] === 'legacy')]]);
          }
          const r = scope.rubyFunction?.(args[0], args[1] === 'legacy', op === 'load_ruby_function');
          if (r === 'load') return 'load';
          if (!r) return undefined;
          const { fn, host } = r;
          resolved.set(fn.id, r);
          if (fn.api === 'legacy' || fn.customCall) return new Map<string, PuppetValue>([['id', BigInt(fn.id)]]);
          const list = vm.decode(args[3], values) as PuppetValue[];
          const hasBlock = args[2] === 'block';
          const index = selectDispatch(fn, list, hasBlock, host);
          if (index < 0) return new Map<string, PuppetValue>([['mismatch', mismatch(fn, list, hasBlock, host)]]);
          const ret = fn.dispatches[index].returnType;
          return new Map<string, PuppetValue>([['id', BigInt(fn.id)], ['dispatch', BigInt(index)], ['returnType', ret !== undefined && ret !== 'Any']]);
        }
        case 'check_return': {
          const r = resolved.get(Number(args[0]));
          const d = r?.fn.dispatches[Number(args[1])];
          if (!r || !d?.returnType) return undefined;
          const v = vm.decode(args[2], values) as PuppetValue;
          if (!r.host.isInstance(d.returnType, v)) {
            const why = r.host.describeMismatch ? r.host.describeMismatch(d.returnType, v) : `expects a ${d.returnType} value`;
            throw new RubyArgumentError(r.fn, `value returned from function '${d.method}' ${why}`);
          }
          return undefined;
        }
        case 'has_function':
          return scope.hasFunction ? scope.hasFunction(args[0]) : true;
        case 'function_info':
          return undefined;
        case 'is_instance':
          if (!scope.isInstance) throw new Error(`Kasper cannot check Ruby values against ${args[0]} here`);
          return scope.isInstance(args[0], vm.decode(args[1], values) as PuppetValue);
        case 'describe_mismatch': {
          const v = vm.decode(args[1], values) as PuppetValue;
          return scope.describeMismatch ? scope.describeMismatch(args[0], v) : `expects a ${args[0]} value`;
        }
        case 'parse_type':
          if (!scope.parseType) throw new Error('Kasper cannot parse types from Ruby here');
          return str(scope.parseType(args[0]));
        case 'infer_type':
          if (!scope.inferType) throw new Error('Kasper cannot infer types from Ruby here');
          return scope.inferType(vm.decode(args[1], values) as PuppetValue, args[0] === 'detailed' ? 'detailed' : 'reduced');
        case 'classes':
          return scope.classes ? scope.classes() : [];
        case 'all_tags':
        case 'tags':
          return scope.tags ? scope.tags() : [];
        case 'find_resource': {
          const r = scope.findResource?.(args[0], args[1]);
          return r === undefined ? undefined : new Map<string, PuppetValue>([['type', r.type], ['title', r.title], ['parameters', r.parameters]]);
        }
        case 'module_name':
          return scope.moduleName?.();
        case 'module_path':
          return scope.modulePath?.(args[0]);
        case 'module_file':
          return scope.moduleFile?.(args[0], args[1] === 'files' ? 'files' : 'templates');
        case 'modulepath':
          return scope.modulepath ? scope.modulepath() : [];
        case 'fact':
          return new RawJson(JSON.stringify(scope.fact ? scope.fact(args[0]) : hostFact(args[0])) ?? 'null');
        default:
          return UNHANDLED;
      }
    },
  };
  return ctx;
}
