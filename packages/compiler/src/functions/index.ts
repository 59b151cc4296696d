// The functions Puppet code can call, by name. Each file holds a family. Each function declares
// its signature (signature.ts), which calls are checked against before it runs; it raises its
// own errors through ctx.error so they carry the caller's position, and sees the compilation
// only through its CallContext (context.ts).
import type { BuiltinFunction } from './signature.ts';
import { CORE_FUNCTIONS } from './core.ts';
import { ITERATION_FUNCTIONS } from './iteration.ts';
import { LOOKUP_FUNCTIONS } from './lookup.ts';
import { STRING_FUNCTIONS } from './strings.ts';
import { COLLECTION_FUNCTIONS } from './collections.ts';
import { CONVERSION_FUNCTIONS } from './conversions.ts';
import { STDLIB_FUNCTIONS } from './stdlib.ts';
import { RANDOM_FUNCTIONS } from './random.ts';
import { HIERA_FUNCTIONS } from './hiera.ts';
import { FILE_FUNCTIONS } from './files.ts';
import { PUPPETDB_FUNCTIONS } from './puppetdb.ts';
import { VALIDATE_FUNCTIONS } from './validate.ts';
import { MORE_STDLIB_FUNCTIONS } from './stdlib-more.ts';

/**
 * stdlib 9 moved these under its namespace (`stdlib::merge`), keeping the flat names as
 * deprecated aliases; current modules call the namespaced ones, Debian's the flat ones.
 */
const STDLIB_NAMESPACED = [
  'ensure_packages', 'merge', 'shell_escape', 'to_json', 'to_json_pretty', 'fqdn_rotate', 'deprecation',
];

const ALL: BuiltinFunction[] = [
  ...CORE_FUNCTIONS,
  ...ITERATION_FUNCTIONS,
  ...LOOKUP_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...COLLECTION_FUNCTIONS,
  ...CONVERSION_FUNCTIONS,
  ...STDLIB_FUNCTIONS,
  ...RANDOM_FUNCTIONS,
  ...HIERA_FUNCTIONS,
  ...FILE_FUNCTIONS,
  ...PUPPETDB_FUNCTIONS,
  ...VALIDATE_FUNCTIONS,
  ...MORE_STDLIB_FUNCTIONS,
];

export const BUILTIN_FUNCTIONS = new Map<string, BuiltinFunction>(ALL.map((f) => [f.name, f]));
for (const name of STDLIB_NAMESPACED) {
  const f = BUILTIN_FUNCTIONS.get(name)!;
  BUILTIN_FUNCTIONS.set(`stdlib::${name}`, { ...f, name: `stdlib::${name}` });
}

/**
 * The functions that, called without a lambda, never run Puppet code, declare anything or load
 * Ruby: the string, collection, random, file and stdlib-check families (their code reaches the
 * compilation only for variables, log lines and module files). A call from Ruby to one of them
 * is answered in place (ruby.ts), without the wait in the Ruby call's fiber that a call that may
 * run Ruby again needs. (Made on first use: a compile without Ruby never asks.)
 */
let rubyFree: ReadonlySet<string> | undefined;
export function rubyFreeFunctions(): ReadonlySet<string> {
  if (!rubyFree) {
    const names = new Set([...STRING_FUNCTIONS, ...COLLECTION_FUNCTIONS, ...RANDOM_FUNCTIONS, ...FILE_FUNCTIONS, ...MORE_STDLIB_FUNCTIONS].map((f) => f.name));
    for (const name of STDLIB_NAMESPACED) if (names.has(name)) names.add(`stdlib::${name}`);
    rubyFree = names;
  }
  return rubyFree;
}

export type { CallContext, PuppetFunction, ResourceView } from './context.ts';
