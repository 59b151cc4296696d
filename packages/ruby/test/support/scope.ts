// A scope for tests: variables from a Map, functions from a table, calls recorded.
import type { HostBlock, PuppetValue, RubyScope } from '../../src/index.ts';

export interface TestScope extends RubyScope {
  calls: { name: string; args: PuppetValue[]; legacy: boolean }[];
  logs: { level: string; message: string }[];
  mutations: Map<string, PuppetValue>;
}

export function mapScope(vars: Map<string, unknown>, functions: Record<string, (args: PuppetValue[], block?: HostBlock) => PuppetValue> = {}): TestScope {
  const scope: TestScope = {
    calls: [],
    logs: [],
    mutations: new Map(),
    lookup: (name) => vars.get(name.replace(/^::/, '')) as PuppetValue,
    variables: () => vars.keys(),
    callFunction(name, args, block, legacy) {
      scope.calls.push({ name, args, legacy });
      const fn = functions[name];
      if (!fn) throw new Error(`Unknown function: '${name}'`);
      return fn(args, block);
    },
    log: (level, message) => void scope.logs.push({ level, message }),
    mutated: (name, value) => void scope.mutations.set(name, value),
  };
  return scope;
}
