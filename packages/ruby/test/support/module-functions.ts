// A host that resolves functions the way Puppet does for module code, from the modules'
// Ruby alone: Puppet 3 calls (function_x) find lib/puppet/parser/functions/x.rb, other calls
// lib/puppet/functions/x.rb first. Loaded functions are kept by file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callRubyFunction, loadRubyFunction, type FunctionHost, type PuppetValue, type RubyFunction } from '../../src/index.ts';
import { kasperTypes, kasperValues } from './kasper-values.ts';
import { mapScope } from './scope.ts';

export class ModuleFunctions {
  readonly loaded = new Map<string, RubyFunction>();
  readonly modulepath: string;
  readonly modules: string[];
  /** false: calls from Ruby to Ruby go through the host (callFunction), as without rubyFunction. */
  inVm = true;

  constructor(modulepath: string, modules: string[]) {
    this.modulepath = modulepath;
    this.modules = modules;
  }

  /** Puppet's own Puppet 3 functions (fqdn_rand...), which Kasper has natively; here from Debian's puppet. */
  static readonly PUPPET_FUNCTIONS = '/usr/lib/ruby/vendor_ruby/puppet/parser/functions';

  file(name: string, legacy: boolean): string | undefined {
    const own = this.moduleFile(name, legacy);
    if (own) return own;
    const core = join(ModuleFunctions.PUPPET_FUNCTIONS, `${name}.rb`);
    return existsSync(core) ? core : undefined;
  }

  private moduleFile(name: string, legacy: boolean): string | undefined {
    const rel = legacy ? [`lib/puppet/parser/functions/${name}.rb`] : [`lib/puppet/functions/${name.split('::').join('/')}.rb`, `lib/puppet/parser/functions/${name}.rb`];
    if (name.includes('::')) {
      const [mod, ...rest] = name.split('::');
      const p = join(this.modulepath, mod, 'lib/puppet/functions', ...rest) + '.rb';
      if (existsSync(p)) return p;
    }
    for (const r of rel) {
      for (const m of this.modules) {
        const p = join(this.modulepath, m, r);
        if (existsSync(p)) return p;
      }
    }
    return undefined;
  }

  function(name: string, legacy: boolean): RubyFunction | undefined {
    const path = this.file(name, legacy);
    if (!path) return undefined;
    let fn = this.loaded.get(path);
    if (!fn) {
      fn = loadRubyFunction(path, readFileSync(path, 'utf8'));
      this.loaded.set(path, fn);
    }
    return fn;
  }

  /** A FunctionHost seeing `vars`, whose calls go to the modules' functions. */
  host(vars: Map<string, unknown>): FunctionHost {
    const base = mapScope(vars);
    const host: FunctionHost = {
      ...base,
      ...kasperTypes,
      values: kasperValues,
      callFunction: (name, args, block, legacy) => {
        const fn = this.function(name, legacy);
        if (!fn) throw new Error(`Unknown function: '${name}'`);
        const r = callRubyFunction(fn, args, block, host);
        return fn.api === 'legacy' && fn.type === 'statement' ? undefined : r;
      },
      rubyFunction: (name, legacy, load) => {
        if (this.inVm === false) return undefined;
        const path = this.file(name, legacy);
        if (path && !load && !this.loaded.has(path)) return 'load';
        const fn = this.function(name, legacy);
        return fn ? { fn, host } : undefined;
      },
      hasFunction: (name) => this.file(name, true) !== undefined || this.file(name, false) !== undefined,
    };
    return host;
  }

  call(name: string, api: 'legacy' | 'modern', args: PuppetValue[], vars: Map<string, unknown>): PuppetValue {
    const fn = this.function(name, api === 'legacy');
    if (!fn) throw new Error(`no ${api} function ${name}`);
    if (fn.api !== api) throw new Error(`${name} is ${fn.api}, not ${api}`);
    return callRubyFunction(fn, args, undefined, this.host(vars));
  }
}
