// Iteration and flow functions that take a lambda: each, map, filter, reduce, slice, with,
// then, lest, any, all, step, reverse_each, tree_each.
import { BreakSignal } from '../frame.ts';
import { PIterator, isTruthy, puppetEquals, type Value } from '../values.ts';
import { EnumType, IntegerType, formatValue } from '../types/index.ts';
import type { CallContext, PuppetFunction } from './context.ts';
import { expectLambda, fn, type BuiltinFunction } from './signature.ts';

/** The elements a function iterates: array items, hash [key, value] pairs, 0…n-1, string chars. */
function elements(ctx: CallContext, v: Value): { items: Value[]; isHash: boolean } {
  if (Array.isArray(v)) return { items: v, isHash: false };
  if (v instanceof PIterator) return { items: [...v.items], isHash: false };
  if (v instanceof Map) return { items: [...v.entries()].map(([k, x]) => [k, x]), isHash: true };
  if (typeof v === 'bigint') {
    const items: Value[] = [];
    for (let i = 0n; i < v; i++) items.push(i);
    return { items, isHash: false };
  }
  if (typeof v === 'string') return { items: [...v], isHash: false };
  // Enum['a', 'b'] iterates its strings.
  if (v instanceof EnumType) return { items: [...v.values], isHash: false };
  // Integer[1, 5] iterates 1…5.
  if (v instanceof IntegerType && v.min !== null && v.max !== null) {
    const items: Value[] = [];
    for (let i = v.min; i <= v.max; i++) items.push(i);
    return { items, isHash: false };
  }
  throw ctx.error('KSP-FUNC-003', { function: ctx.name, value: formatValue(v) });
}

/** Calls the lambda the way Puppet does: one parameter gets the element, two get index/key and value. */
function callWith(lambda: { parameters: { capturesRest?: boolean }[]; call(a: Value[]): Value }, item: Value, index: number, isHash: boolean): Value {
  // A lambda that can take two (`|$k, $v|`, or a captures-rest `|*$all|`) gets two, as Puppet
  // picks its two-parameter dispatch for it.
  if (lambda.parameters.length >= 2 || lambda.parameters.some((p) => p.capturesRest)) {
    if (isHash) return lambda.call(item as Value[]);
    return lambda.call([BigInt(index), item]);
  }
  return lambda.call([item]);
}

/** Runs a loop body; `break` ends the loop early. */
function loop(fn: () => void): void {
  try {
    fn();
  } catch (s) {
    if (!(s instanceof BreakSignal)) throw s;
  }
}

const each: PuppetFunction = (ctx, args, lambda) => {
  const l = lambda!;
  const { items, isHash } = elements(ctx, args[0]);
  loop(() => items.forEach((x, i) => callWith(l, x, i, isHash)));
  return args[0];
};

const map: PuppetFunction = (ctx, args, lambda) => {
  const l = lambda!;
  const { items, isHash } = elements(ctx, args[0]);
  const out: Value[] = [];
  loop(() => items.forEach((x, i) => out.push(callWith(l, x, i, isHash))));
  return out;
};

const filter: PuppetFunction = (ctx, args, lambda) => {
  const l = lambda!;
  const { items, isHash } = elements(ctx, args[0]);
  const keep: Value[] = [];
  loop(() => items.forEach((x, i) => { if (isTruthy(callWith(l, x, i, isHash))) keep.push(x); }));
  if (isHash) return new Map(keep.map((p) => [(p as Value[])[0], (p as Value[])[1]]));
  return keep;
};

const reduce: PuppetFunction = (ctx, args, lambda) => {
  const l = lambda!;
  const { items } = elements(ctx, args[0]);
  let acc: Value;
  let rest: Value[];
  if (args.length === 2) {
    acc = args[1];
    rest = items;
  } else {
    if (items.length === 0) return undefined;
    acc = items[0];
    rest = items.slice(1);
  }
  loop(() => { for (const x of rest) acc = l.call([acc, x]); });
  return acc;
};

const slice: PuppetFunction = (ctx, args, lambda) => {
  const n = args[1];
  if (typeof n !== 'bigint' || n < 1n) throw ctx.error('KSP-FUNC-004', {});
  const { items } = elements(ctx, args[0]);
  const chunks: Value[][] = [];
  for (let i = 0; i < items.length; i += Number(n)) chunks.push(items.slice(i, i + Number(n)));
  if (!lambda) return chunks;
  loop(() => chunks.forEach((c) => (lambda.parameters.length > 1 ? lambda.call(c) : lambda.call([c]))));
  return args[0];
};

const withFn: PuppetFunction = (_ctx, args, lambda) => lambda!.call(args);

const then: PuppetFunction = (ctx, args, lambda) => {
  return args[0] === undefined ? undefined : expectLambda(ctx, lambda).call([args[0]]);
};

const lest: PuppetFunction = (ctx, args, lambda) => {
  return args[0] === undefined ? expectLambda(ctx, lambda).call([]) : args[0];
};

const any: PuppetFunction = (ctx, args, lambda) => {
  const l = lambda!;
  const { items, isHash } = elements(ctx, args[0]);
  return items.some((x, i) => isTruthy(callWith(l, x, i, isHash)));
};

const all: PuppetFunction = (ctx, args, lambda) => {
  const l = lambda!;
  const { items, isHash } = elements(ctx, args[0]);
  return items.every((x, i) => isTruthy(callWith(l, x, i, isHash)));
};

const step: PuppetFunction = (ctx, args, lambda) => {
  const n = args[1];
  if (typeof n !== 'bigint' || n < 1n) throw ctx.error('KSP-FUNC-005', {});
  const { items } = elements(ctx, args[0]);
  const picked = items.filter((_x, i) => BigInt(i) % n === 0n);
  // Without a lambda, an Iterator, as Puppet gives.
  if (!lambda) return new PIterator(picked);
  loop(() => picked.forEach((x) => lambda.call([x])));
  return undefined;
};

const reverseEach: PuppetFunction = (ctx, args, lambda) => {
  const { items } = elements(ctx, args[0]);
  const reversed = [...items].reverse();
  if (!lambda) return new PIterator(reversed, items);
  loop(() => reversed.forEach((x) => lambda.call([x])));
  return undefined;
};

/** tree_each: every container and leaf of a nested structure, depth first, with its path. */
const treeEach: PuppetFunction = (_ctx, args, lambda) => {
  const entries: Value[] = [];
  const visit = (v: Value, path: Value[]) => {
    if (!lambda) entries.push([path, v]);
    else if (lambda.parameters.length > 1) lambda.call([path, v]);
    else lambda.call([[path, v]]);
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, BigInt(i)]));
    else if (v instanceof Map) for (const [k, x] of v) visit(x, [...path, k]);
  };
  visit(args[0], []);
  // Without a block it is an iterator; as a value, its entries.
  return lambda ? args[0] : entries;
};

/** group_by: the elements by what the lambda answers for each (a hash's elements are [key, value]). */
const groupBy: PuppetFunction = (ctx, args, lambda) => {
  const l = lambda!;
  const { items, isHash } = elements(ctx, args[0]);
  const out = new Map<Value, Value[]>();
  items.forEach((x, i) => {
    const k = callWith(l, x, i, isHash);
    const group = [...out].find(([g]) => puppetStrictEquals(g, k));
    if (group) group[1].push(x);
    else out.set(k, [x]);
  });
  return out as Map<Value, Value>;
};

/** partition: [the elements the lambda accepts, the others]. */
const partition: PuppetFunction = (ctx, args, lambda) => {
  const l = lambda!;
  const { items, isHash } = elements(ctx, args[0]);
  const yes: Value[] = [];
  const no: Value[] = [];
  items.forEach((x, i) => (isTruthy(callWith(l, x, i, isHash)) ? yes : no).push(x));
  return [yes, no];
};

/** Ruby's eql? for group keys: strings compare by case, numbers by kind and value. */
function puppetStrictEquals(a: Value, b: Value): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a === 'string' || typeof a !== 'object' || a === null) return a === b;
  return puppetEquals(a, b);
}

// A block the signature requires is always there when the function runs (`lambda!`).
export const ITERATION_FUNCTIONS: BuiltinFunction[] = [
  fn('each', 'Any collection, Callable &block', 'Any', each),
  fn('map', 'Any collection, Callable &block', 'Array', map),
  fn('filter', 'Any collection, Callable &block', 'Variant[Array, Hash]', filter),
  fn('reduce', 'Any collection, Any memo?, Callable &block', 'Any', reduce),
  fn('slice', 'Any collection, Any size, Callable &block?', 'Any', slice),
  fn('with', 'Any *args, Callable &block', 'Any', withFn),
  fn('then', 'Any value, Callable &block?', 'Any', then),
  fn('lest', 'Any value, Callable &block?', 'Any', lest),
  fn('any', 'Any collection, Callable &block', 'Boolean', any),
  fn('all', 'Any collection, Callable &block', 'Boolean', all),
  fn('step', 'Any collection, Any step, Callable &block?', 'Optional[Iterator]', step),
  fn('reverse_each', 'Any collection, Callable &block?', 'Optional[Iterator]', reverseEach),
  fn('tree_each', 'Any tree, Any options?, Callable &block?', 'Any', treeEach),
  fn('group_by', 'Collection collection, Callable &block', 'Hash', groupBy),
  fn('partition', 'Collection collection, Callable &block', 'Tuple[Array, Array]', partition),
];
