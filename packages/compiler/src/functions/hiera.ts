// Puppet's legacy Hiera functions, through Kasper's Hiera 5: hiera (first found), hiera_array
// (unique merge), hiera_hash (hash merge) and hiera_include (hiera_array, then include). As in
// Puppet 7 they ignore lookup_options' merge, see only the global layer unless the environment
// has a hiera.yaml of its own, and warn once per function that lookup() replaces them.
//   hiera(key)  hiera(key, default)  hiera(key, default, override)  hiera(key) |$key| { … }
import { parseMerge, type MergeStrategy } from '../hiera.ts';
import type { Lambda } from '../frame.ts';
import { formatValue } from '../types/index.ts';
import type { Value } from '../values.ts';
import type { CallContext, PuppetFunction } from './context.ts';
import { fn, type BuiltinFunction } from './signature.ts';

/** Puppet 7.23's deprecation notice for the hiera_* functions. */
const deprecated = (name: string) => `The function '${name}' is deprecated in favor of using 'lookup'. See https://puppet.com/docs/puppet/7.23/deprecated_language.html`;

function hieraLookup(ctx: CallContext, strategy: MergeStrategy, args: Value[], lambda: Lambda | null): Value {
  // Puppet 7 declares hiera(['key', default]) too, but its dispatch fails; only strings are keys.
  const a = args;
  const [key] = a;
  if (typeof key !== 'string' || a.length < 1 || a.length > 3 || (lambda && a.length > 2)) {
    throw ctx.error('KSP-FUNC-047', { function: ctx.name });
  }
  if (ctx.once(`hiera-deprecation:${ctx.name}`)) ctx.log('warning', deprecated(ctx.name));
  const r = ctx.lookup(key, parseMerge(strategy), true);
  if (r.found) return r.value;
  if (lambda) return lambda.call([key]);
  // With a lambda the second argument is the override; without one it is the default.
  if (a.length >= 2) return a[1];
  throw ctx.error('KSP-HIERA-001', { names: key });
}

const hiera = (strategy: MergeStrategy): PuppetFunction => (ctx, args, lambda) => hieraLookup(ctx, strategy, args, lambda);

const hieraInclude: PuppetFunction = (ctx, args, lambda) => {
  const v = hieraLookup(ctx, 'unique', args, lambda);
  if (v === undefined) throw ctx.error('KSP-FUNC-048', { key: formatValue(Array.isArray(args[0]) ? args[0][0] : args[0]) });
  const names = Array.isArray(v) ? v : [v];
  if (names.length > 0 && !(typeof v === 'string' && v === '')) ctx.include(names.flat(Infinity as 1).map((x) => formatValue(x)));
  return undefined;
};

export const HIERA_FUNCTIONS: BuiltinFunction[] = [
  fn('hiera', 'Any +args, Callable &block?', 'Any', hiera('first')),
  fn('hiera_array', 'Any +args, Callable &block?', 'Any', hiera('unique')),
  fn('hiera_hash', 'Any +args, Callable &block?', 'Any', hiera('hash')),
  fn('hiera_include', 'Any +args, Callable &block?', 'Undef', hieraInclude),
];
