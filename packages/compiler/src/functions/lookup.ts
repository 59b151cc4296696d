// lookup(): Hiera data from Puppet code.
//   lookup(name, [value_type], [merge], [default_value])
//   lookup(name, { value_type, merge, default_value, default_values_hash })
//   lookup(name, …) |$key| { default }
import { parseMerge } from '../hiera.ts';
import { hashGet, isType, NOT_FOUND, type Value } from '../values.ts';
import { describeMismatch, formatValue } from '../types/index.ts';
import type { PuppetFunction } from './context.ts';
import { fn, type BuiltinFunction } from './signature.ts';

const lookup: PuppetFunction = (ctx, args, lambda) => {
  let names = args[0];
  let valueType: Value;
  let merge: Value;
  let hasDefault = false;
  let dflt: Value;
  const options = args.length === 1 && args[0] instanceof Map ? args[0] : args.length === 2 && args[1] instanceof Map ? args[1] : null;
  if (options) {
    const o = options;
    if (o === args[0]) {
      const n = hashGet(o, 'name');
      names = n === NOT_FOUND ? undefined : n;
    }
    const get = (k: string) => hashGet(o, k);
    const vt = get('value_type');
    if (vt !== NOT_FOUND) valueType = vt;
    const m = get('merge');
    if (m !== NOT_FOUND) merge = m;
    const d = get('default_value');
    if (d !== NOT_FOUND) {
      hasDefault = true;
      dflt = d;
    }
  } else {
    valueType = args[1];
    merge = args[2];
    if (args.length >= 4) {
      hasDefault = true;
      dflt = args[3];
    }
  }
  if (!Array.isArray(names)) names = [names];
  const mergeOpts = merge === undefined ? undefined : parseMerge(merge);
  for (const n of names) {
    if (typeof n !== 'string') throw ctx.error('KSP-HIERA-014', { value: formatValue(n) });
    const r = ctx.lookup(n, mergeOpts);
    if (r.found) return check(r.value);
  }
  if (lambda) return check(lambda.call([(names as Value[])[0]]));
  if (hasDefault) return check(dflt);
  throw ctx.error('KSP-HIERA-001', { names: (names as Value[]).map((x) => formatValue(x)).join("', '") });

  function check(v: Value): Value {
    if (valueType !== undefined && isType(valueType) && !valueType.isInstance(v)) {
      throw ctx.error('KSP-HIERA-015', { key: formatValue(args[0]), mismatch: describeMismatch(valueType, v) });
    }
    return v;
  }
};

export const LOOKUP_FUNCTIONS: BuiltinFunction[] = [
  fn('lookup', 'Any name, Any value_type?, Any merge?, Any default_value?, Callable &block?', 'Any', lookup),
];
