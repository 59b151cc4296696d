// More of stdlib's legacy functions that Debian's modules call (ranked by call sites in
// /usr/share/puppet/modules): base64, join_keys_to_values, count, hash, grep, values_at, union,
// range, bool2num, num2bool, any2bool, enclose_ipv6, is_domain_name, is_mac_address,
// is_email_address. As legacy functions they get undef as '' from Puppet, and their messages are
// stdlib 8.5's own (packages/compiler/test/stdlib-native.test.ts compares them with its Ruby).
import { PRegexp, puppetEquals, type Value } from '../values.ts';
import type { CallContext, PuppetFunction } from './context.ts';
import { rubyInspect, rubyToI, rubyToS } from './ruby-text.ts';
import { formatValue } from '../types/index.ts';
import { str2boolValue } from './stdlib.ts';
import { LEGACY_CHECKS, parseIp, rubyClass, rubyImplicitName, rubyRegexp, type Check } from './validate.ts';
import { fn, type BuiltinFunction } from './signature.ts';

const fail = (ctx: CallContext, message: string) => ctx.error('KSP-FUNC-045', { message });

/** Ruby's == between Puppet values: strings by case, 1 == 1.0. */
function rubyEquals(a: Value, b: Value): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => rubyEquals(x, b[i]));
  return puppetEquals(a, b);
}

/** Ruby's Base64.encode64: lines of 60 characters, each ending in a newline. */
function encode64(s: string): string {
  const b = Buffer.from(s, 'utf8').toString('base64');
  return b === '' ? '' : `${b.match(/.{1,60}/g)!.join('\n')}\n`;
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const checks: Record<string, Check> = {
  base64(ctx, args) {
    if (args.length < 2) throw fail(ctx, `base64(): Wrong number of arguments (${args.length}; must be >= 2)`);
    const [action, text, method0] = args;
    if (action !== 'encode' && action !== 'decode') throw fail(ctx, "base64(): the first argument must be one of 'encode' or 'decode'");
    if (typeof text !== 'string') throw fail(ctx, 'base64(): the second argument must be a string to base64');
    const method = args.length <= 2 ? 'default' : method0;
    if (method !== 'default' && method !== 'strict' && method !== 'urlsafe') throw fail(ctx, "base64(): the third argument must be one of 'default', 'strict', or 'urlsafe'");
    if (action === 'encode') {
      if (method === 'default') return encode64(text);
      const b = Buffer.from(text, 'utf8').toString('base64');
      return method === 'strict' ? b : b.replace(/\+/g, '-').replace(/\//g, '_');
    }
    let body = text;
    if (method === 'urlsafe') {
      if (!body.endsWith('=') && body.length % 4 !== 0) body = body.padEnd(body.length + 4 - (body.length % 4), '=');
      body = body.replace(/-/g, '+').replace(/_/g, '/');
    }
    if (method !== 'default' && !STRICT_BASE64.test(body)) throw fail(ctx, 'invalid base64');
    return Buffer.from(body.replace(/[^A-Za-z0-9+/]/g, ''), 'base64').toString('utf8');
  },
  join_keys_to_values(ctx, args) {
    if (args.length !== 2) throw fail(ctx, `join_keys_to_values(): Takes exactly two arguments, but ${args.length} given.`);
    const [hash, sep] = args;
    if (!(hash instanceof Map)) throw fail(ctx, `join_keys_to_values(): The first argument must be a hash, but a ${rubyClass(hash)} was given.`);
    if (typeof sep !== 'string') throw fail(ctx, `join_keys_to_values(): The second argument must be a string, but a ${rubyClass(sep)} was given.`);
    const out: Value[] = [];
    for (const [k, v] of hash) {
      if (Array.isArray(v)) out.push(...v.map((x) => rubyToS(k) + sep + rubyToS(x)));
      else if (rubyToS(v) === 'undef') out.push(rubyToS(k));
      else out.push(rubyToS(k) + sep + rubyToS(v));
    }
    return out;
  },
  count(ctx, args) {
    if (args.length === 0) throw fail(ctx, 'count(): Wrong number of arguments given (0 for minimum 1)');
    if (args.length > 2) throw fail(ctx, `count(): Wrong number of arguments given ${args.length} for 1 or 2.`);
    const [collection, item] = args;
    const given = args.length > 1 && item !== undefined && item !== false;
    if (Array.isArray(collection)) {
      return BigInt(given ? collection.filter((x) => rubyEquals(x, item)).length : collection.filter((x) => x !== undefined && x !== '').length);
    }
    if (collection instanceof Map) {
      const pairs = [...collection].map(([k, v]) => [k, v] as Value[]);
      return BigInt(given ? pairs.filter((p) => rubyEquals(p, item)).length : pairs.length);
    }
    if (typeof collection === 'string') {
      if (!given) throw fail(ctx, 'wrong number of arguments (given 0, expected 1+)');
      if (typeof item !== 'string') throw fail(ctx, `no implicit conversion of ${rubyImplicitName(item)} into String`);
      const bad = /(.)-(.)/su.exec(item.startsWith('^') && item.length > 1 ? item.slice(1) : item);
      if (bad && bad[1] > bad[2]) throw fail(ctx, `invalid range "${bad[1]}-${bad[2]}" in string transliteration`);
      return BigInt([...collection].filter((c) => inCharSet(c, item)).length);
    }
    throw fail(ctx, `undefined method 'count' for ${rubyClass(collection)}`);
  },
  hash(ctx, args) {
    if (args.length === 0) throw fail(ctx, 'hash(): Wrong number of arguments given (0 for 1)');
    const a = args[0];
    if (!Array.isArray(a)) throw fail(ctx, 'hash(): Requires array to work with');
    const flat = a.flat(Infinity as 1) as Value[];
    if (flat.length % 2 !== 0) throw fail(ctx, 'hash(): Unable to compute hash from array given');
    const out = new Map<Value, Value>();
    for (let i = 0; i < flat.length; i += 2) {
      // A Ruby hash keys by eql?: an existing equal key keeps its place and takes the new value.
      const key = [...out.keys()].find((k) => rubyEquals(k, flat[i]) && typeof k === typeof flat[i]);
      out.set(key === undefined ? flat[i] : key, flat[i + 1]);
    }
    return out;
  },
  grep(ctx, args) {
    if (args.length !== 2) throw fail(ctx, `grep(): Wrong number of arguments given ${args.length} for 2`);
    const [a, p] = args;
    const re = rubyRegexp(ctx, p);
    const items = Array.isArray(a) ? a : a instanceof Map ? [...a].map(([k, v]) => [k, v] as Value[]) : undefined;
    if (!items) throw fail(ctx, `undefined method 'grep' for ${rubyClass(a)}`);
    return items.filter((x) => typeof x === 'string' && re.test(x));
  },
  values_at(ctx, args) {
    if (args.length < 2) throw fail(ctx, `values_at(): Wrong number of arguments given (${args.length} for 2)`);
    const [array, indices0] = args;
    if (!Array.isArray(array)) throw fail(ctx, 'values_at(): Requires array to work with');
    const indices = Array.isArray(indices0) ? (indices0.flat(Infinity as 1) as Value[]) : [indices0];
    if (indices.length === 0) throw fail(ctx, 'values_at(): You must provide at least one positive index to collect');
    const picked: number[] = [];
    for (const raw of indices) {
      const i = rubyToS(raw);
      const m = /^(\d+)(\.\.\.?|-)(\d+)$/.exec(i);
      if (m) {
        const start = Number(m[1]);
        const stop = Number(m[3]);
        if (start > stop) throw fail(ctx, 'values_at(): Stop index in given indices range is smaller than the start index');
        if (stop > array.length - 1) throw fail(ctx, 'values_at(): Stop index in given indices range exceeds array size');
        for (let j = start; m[2] === '...' ? j < stop : j <= stop; j++) picked.push(j);
      } else {
        if (!/^\d+$/m.test(i)) throw fail(ctx, 'values_at(): Unknown format of given index');
        const j = Number(/\d+/.exec(i)![0]);
        if (j > array.length - 1) throw fail(ctx, 'values_at(): Given index exceeds array size');
        picked.push(j);
      }
    }
    return picked.map((j) => array[j]).filter((x) => x !== undefined);
  },
  union(ctx, args) {
    if (args.length < 2) throw fail(ctx, `union(): Wrong number of arguments given (${args.length} for < 2)`);
    if (!args.every(Array.isArray)) throw fail(ctx, 'union(): Every parameter must be an array');
    const out: Value[] = [];
    for (const a of args as Value[][]) for (const x of a) if (!out.some((y) => rubyEquals(x, y) && typeof x === typeof y)) out.push(x);
    return out;
  },
  bool2num(ctx, args) {
    if (args.length === 0) throw fail(ctx, 'bool2num(): Wrong number of arguments given (0 for 1)');
    return str2boolValue(ctx, args[0]) ? 1n : 0n;
  },
  num2bool(ctx, args) {
    if (args.length !== 1) throw fail(ctx, `num2bool(): Wrong number of arguments given (${args.length} for 1)`);
    return num2bool(ctx, args[0]);
  },
  any2bool(ctx, args) {
    if (args.length === 0) throw fail(ctx, 'any2bool(): Wrong number of arguments given (0 for 1)');
    const v = args[0];
    if (typeof v === 'boolean') return v;
    if (v === undefined) return false;
    if (typeof v === 'bigint' || typeof v === 'number') return num2bool(ctx, v);
    if (typeof v === 'string') return rubyFloat(v) !== undefined ? num2bool(ctx, v) : str2boolValue(ctx, v);
    return true;
  },
  enclose_ipv6(ctx, args) {
    if (args.length !== 1) throw fail(ctx, `enclose_ipv6(): Wrong number of arguments given ${args.length} for 1`);
    const a = args[0];
    if (typeof a !== 'string' && !Array.isArray(a)) throw fail(ctx, `enclose_ipv6(): Wrong argument type given ${rubyClass(a)} expected String or Array`);
    const out: Value[] = [];
    for (const v of (Array.isArray(a) ? a.flat(Infinity as 1) : [a]) as Value[]) {
      if (v === undefined) continue;
      let r: Value = v;
      if (v !== '*') {
        const family = parseIp(v);
        if (family === undefined) throw fail(ctx, `enclose_ipv6(): Wrong argument given ${rubyToS(v)} is not an ip address.`);
        if (family === 6) r = `[${ipv6Canonical(v as string)}]`;
      }
      if (!out.some((x) => rubyEquals(x, r))) out.push(r);
    }
    return out;
  },
  pick(ctx, args) {
    // undef reaches a legacy function as '', which pick drops like undef.
    const v = args.filter((x) => x !== undefined && x !== '');
    if (v.length === 0 || rubyToS(v[0]) === '') throw ctx.error('KSP-FUNC-019', {});
    return v[0];
  },
  bool2str(ctx, args) {
    if (args.length !== 1 && args.length !== 3) throw fail(ctx, `bool2str(): Wrong number of arguments given (${args.length} for 3)`);
    const [v, t, f] = args;
    const yes = t === undefined || t === false ? 'true' : t;
    const no = f === undefined || f === false ? 'false' : f;
    if (typeof v !== 'boolean') throw ctx.error('KSP-FUNC-034', {});
    if (typeof yes !== 'string' || typeof no !== 'string') throw fail(ctx, 'bool2str(): Requires strings to convert to');
    return v ? yes : no;
  },
  delete(ctx, args) {
    if (args.length !== 2) throw fail(ctx, `delete(): Wrong number of arguments given ${args.length} for 2`);
    const [coll, what] = args;
    // Ruby's Array(x): an array as it is, a hash as its pairs, nil as nothing.
    const items: Value[] = Array.isArray(what) ? what : what instanceof Map ? [...what].map(([k, v]) => [k, v]) : what === undefined ? [] : [what];
    if (items.length === 0) return coll;
    if (Array.isArray(coll)) return coll.filter((x) => !items.some((i) => rubyEquals(x, i)));
    if (coll instanceof Map) return new Map([...coll].filter(([k]) => !items.some((i) => rubyEquals(k, i))));
    if (typeof coll === 'string') {
      return items.reduce<string>((acc, i) => {
        if (i instanceof PRegexp) return acc.replace(new RegExp(i.regexp.source, `${i.regexp.flags.replace('g', '')}g`), '');
        if (typeof i !== 'string') throw fail(ctx, `wrong argument type ${i === undefined ? 'nil' : typeof i === 'boolean' ? String(i) : rubyClass(i)} (expected Regexp)`);
        return acc.split(i).join('');
      }, coll);
    }
    throw fail(ctx, `delete(): First argument must be an Array, String, or Hash. Given an argument of class ${rubyClass(coll)}.`);
  },
  delete_at(ctx, args) {
    if (args.length < 2) throw fail(ctx, `delete_at(): Wrong number of arguments given (${args.length} for 2)`);
    const [array, index] = args;
    if (!Array.isArray(array)) throw fail(ctx, 'delete_at(): Requires array to work with');
    if (typeof index === 'string' && !/^\d+$/m.test(index)) throw fail(ctx, 'delete_at(): You must provide non-negative numeric index');
    const i = rubyToI(index);
    if (i === undefined) throw fail(ctx, `undefined method 'to_i' for ${rubyClass(index)}`);
    if (i > BigInt(array.length - 1)) throw ctx.error('KSP-FUNC-023', {});
    const at = i < 0n ? array.length + Number(i) : Number(i);
    return at < 0 ? [...array] : array.filter((_x, j) => j !== at);
  },
  delete_undef_values(ctx, args) {
    if (args.length === 0) throw fail(ctx, 'delete_undef_values(): Wrong number of arguments given (0)');
    const c = args[0];
    if (Array.isArray(c)) return c.filter((x) => x !== undefined);
    if (c instanceof Map) return new Map([...c].filter(([, v]) => v !== undefined));
    throw fail(ctx, `delete_undef_values(): expected an array or hash, got ${rubyToS(c)} type  ${rubyClass(c)} `);
  },
  has_key(ctx, args) {
    if (args.length !== 2) throw fail(ctx, `has_key(): wrong number of arguments (${args.length}; must be 2)`);
    const [h, k] = args;
    if (!(h instanceof Map)) throw fail(ctx, `has_key(): expects the first argument to be a hash, got ${rubyInspect(h)} which is of type ${rubyClass(h)}`);
    return [...h.keys()].some((x) => rubyEquals(x, k) && typeof x === typeof k);
  },
  member(ctx, args) {
    if (args.length < 2) throw fail(ctx, `member(): Wrong number of arguments given (${args.length} for 2)`);
    const [array, item] = args;
    if (!Array.isArray(array)) throw ctx.error('KSP-FUNC-025', {});
    if (typeof item !== 'string' && typeof item !== 'bigint' && !Array.isArray(item)) throw fail(ctx, 'member(): Item to search for must be a string, fixnum, or array');
    const items = Array.isArray(item) ? item : [item];
    if (items.length === 0) throw fail(ctx, 'member(): You must provide item to search for within array given');
    return items.every((i) => array.some((x) => rubyEquals(x, i) && typeof x === typeof i));
  },
  prefix: (ctx, args) => affix(ctx, args, 'prefix'),
  suffix: (ctx, args) => affix(ctx, args, 'suffix'),
  range(ctx, args) {
    if (args.length === 0) throw fail(ctx, 'range(): Wrong number of arguments given (0 for 1)');
    let start: Value;
    let stop: Value;
    let step = 1;
    let exclusive = false;
    if (args.length > 1) {
      [start, stop] = args;
      if (args.length > 2) {
        const n = rubyToI(args[2]);
        if (n === undefined) throw fail(ctx, `undefined method 'to_i' for ${rubyClass(args[2])}`);
        step = Math.abs(Number(n));
        if (step === 0) throw fail(ctx, 'range(): 3rd arg (step size) must be a non zero integer (e.g. 1 or -1)');
      }
    } else {
      const v = args[0];
      if (typeof v !== 'string') throw fail(ctx, `undefined method 'match' for ${rubyClass(v)}`);
      const m = /^(\w+)(\.\.\.?|-)(\w+)$/m.exec(v);
      if (!m) throw fail(ctx, /^.+$/m.test(v) ? `range(): Unable to compute range from the value: ${v}` : `range(): Unknown range format: ${v}`);
      [, start, , stop] = m;
      exclusive = m[2] === '...';
    }
    let items: Value[];
    // Integer ranges, and ranges of strings as Ruby's String#upto walks them; other values go
    // through their Ruby to_s, which Kasper follows only as far as inspect goes.
    if (/^\d+$/m.test(rubyToS(start))) {
      const a = Number(rubyToI(start) ?? 0n);
      const b = Number(rubyToI(stop) ?? 0n);
      items = [];
      for (let i = a; exclusive ? i < b : i <= b; i += step) {
        items.push(BigInt(i));
        if (items.length >= 1_000_000) break;
      }
      return items;
    }
    items = stringUpto(rubyToS(start), rubyToS(stop), exclusive);
    return items.filter((_x, i) => i % step === 0);
  },
  dig44(ctx, args) {
    if (args.length < 2) throw fail(ctx, `dig44(): Wrong number of arguments given (${args.length} for at least 2)`);
    const [data, path, dflt] = args;
    if (!(data instanceof Map) && !Array.isArray(data)) throw fail(ctx, `dig44(): first argument must be a hash or an array, given ${rubyClass(data)}`);
    if (!Array.isArray(path)) throw fail(ctx, `dig44(): second argument must be an array, given ${rubyClass(path)}`);
    let v: Value = data;
    for (const key of path) {
      let next: Value;
      if (Array.isArray(v)) {
        const i = typeof key === 'bigint' ? key : typeof key === 'number' ? BigInt(Math.trunc(key)) : typeof key === 'string' && /^\s*[-+]?\d+\s*$/.test(key) ? BigInt(key.trim()) : undefined;
        if (i === undefined) return dflt;
        next = v[Number(i < 0n ? BigInt(v.length) + i : i)];
      } else if (v instanceof Map) {
        next = [...v].find(([k]) => rubyEquals(k, key) && typeof k === typeof key)?.[1];
      } else return dflt;
      if (next === undefined) return dflt;
      v = next;
    }
    return v;
  },
  uriescape(ctx, args) {
    if (args.length === 0) throw fail(ctx, 'uriescape(): Wrong number of arguments given (0 for 1)');
    const v = args[0];
    if (typeof v === 'string') return uriEscape(v);
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? uriEscape(x) : x));
    throw fail(ctx, 'uriescape(): Requires either array or string to work with');
  },
  get_module_path(ctx, args) {
    if (args.length !== 1) throw fail(ctx, 'get_module_path(): Wrong number of arguments, expects one');
    const dir = typeof args[0] === 'string' ? ctx.moduleDirectory(args[0]) : undefined;
    if (!dir) throw fail(ctx, `Could not find module ${rubyToS(args[0])} in environment ${rubyToS(ctx.variable('environment'))}`);
    return dir;
  },
  getparam(ctx, args) {
    const [reference, param] = args;
    if (reference === undefined || reference === '' && args.length === 0) throw fail(ctx, 'Must specify a reference');
    if (typeof param !== 'string') throw fail(ctx, 'Must specify name of a parameter');
    if (param === '') return '';
    const m = /^([A-Z][\w:]*)\[(.*)\]$/s.exec(formatValue(reference));
    const found = m ? ctx.findResource(m[1].toLowerCase(), m[2].replace(/^(['"])(.*)\1$/s, '$2')) : undefined;
    const v = found?.params.get(param);
    return v === undefined ? '' : v;
  },
  time(ctx, args) {
    if (args.length > 1) throw fail(ctx, `time(): Wrong number of arguments given ${args.length} for 0 or 1`);
    return BigInt(Math.floor(Date.now() / 1000));
  },
  is_domain_name(ctx, args) {
    if (args.length !== 1) throw fail(ctx, `is_domain_name(): Wrong number of arguments given ${args.length} for 1`);
    const v = args[0];
    if (typeof v !== 'string') return false;
    if (v === '.') return true;
    const d = v.endsWith('.') ? v.slice(0, -1) : v;
    if (d === '' || d.length > 255) return false;
    if (d.includes('.') && !/\.[A-Za-z]+$/m.test(d)) return false;
    const labels = d.split('.');
    while (labels.length && labels[labels.length - 1] === '') labels.pop();
    return labels.every((l) => l.length >= 1 && l.length <= 63 && !l.endsWith('-') && !l.startsWith('-') && /^[a-z\d-]+$/im.test(l));
  },
  is_mac_address(ctx, args) {
    if (args.length !== 1) throw fail(ctx, `is_mac_address(): Wrong number of arguments given ${args.length} for 1`);
    const v = args[0];
    if (typeof v !== 'string') throw fail(ctx, `no implicit conversion of ${rubyImplicitName(v)} into String`);
    return /^[a-f0-9]{1,2}(:[a-f0-9]{1,2}){5}$/im.test(v) || /^[a-f0-9]{1,2}(:[a-f0-9]{1,2}){19}$/im.test(v);
  },
  is_email_address(ctx, args) {
    if (args.length !== 1) throw fail(ctx, `is_email_address(): Wrong number of arguments given ${args.length} for 1`);
    const v = args[0];
    return typeof v === 'string' && /^([\w+-].?)+@[a-z\d-]+(\.[a-z]+)*\.[a-z]+$/.test(v);
  },
};

/** prefix/suffix(array or hash, text): each element (or key) as a string, with the text added. */
function affix(ctx: CallContext, args: Value[], where: 'prefix' | 'suffix'): Value {
  if (args.length === 0) throw fail(ctx, `${where}(): Wrong number of arguments given (0 for 1)`);
  const [coll, text] = args;
  if (!Array.isArray(coll) && !(coll instanceof Map)) throw fail(ctx, `${where}(): expected first argument to be an Array or a Hash, got ${rubyInspect(coll)}`);
  const add = text !== undefined && text !== false;
  if (add && typeof text !== 'string') throw fail(ctx, `${where}(): expected second argument to be a String, got ${rubyInspect(text)}`);
  const f = (x: Value) => (add ? (where === 'prefix' ? (text as string) + rubyToS(x) : rubyToS(x) + (text as string)) : rubyToS(x));
  if (Array.isArray(coll)) return coll.map(f);
  return new Map([...coll].map(([k, v]) => [f(k), v]));
}

/** Ruby's String#succ: the rightmost letter or digit goes up, carrying leftwards. */
function succ(s: string): string {
  if (s === '') return '';
  const chars = [...s];
  let i = chars.length - 1;
  if (!chars.some((c) => /[A-Za-z0-9]/.test(c))) {
    chars[i] = String.fromCodePoint(chars[i].codePointAt(0)! + 1);
    return chars.join('');
  }
  while (i >= 0 && !/[A-Za-z0-9]/.test(chars[i])) i--;
  for (;;) {
    const c = chars[i];
    const wrap = c === 'z' ? 'a' : c === 'Z' ? 'A' : c === '9' ? '0' : undefined;
    if (wrap === undefined) {
      chars[i] = String.fromCharCode(c.charCodeAt(0) + 1);
      return chars.join('');
    }
    chars[i] = wrap;
    let j = i - 1;
    while (j >= 0 && !/[A-Za-z0-9]/.test(chars[j])) j--;
    if (j < 0) {
      chars.splice(i, 0, wrap === '0' ? '1' : wrap);
      return chars.join('');
    }
    i = j;
  }
}

/** Ruby's String#upto, as a string Range iterates (at most a million). */
function stringUpto(a: string, b: string, exclusive: boolean): string[] {
  const out: string[] = [];
  if (a.length === 1 && b.length === 1) {
    for (let c = a.charCodeAt(0); exclusive ? c < b.charCodeAt(0) : c <= b.charCodeAt(0); c++) out.push(String.fromCharCode(c));
    return out;
  }
  if (a > b || (exclusive && a === b)) return out;
  for (let cur = a; out.length < 1_000_000;) {
    if (exclusive && cur === b) break;
    out.push(cur);
    if (cur === b) break;
    cur = succ(cur);
    if (cur.length > b.length || cur.length === 0) break;
  }
  return out;
}

/** URI::DEFAULT_PARSER.escape: bytes outside RFC 2396's unreserved and reserved characters as %XX. */
function uriEscape(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => {
    const c = String.fromCharCode(b);
    return b < 0x80 && /[-_.!~*'()a-zA-Z\d;/?:@&=+$,[\]]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** A character in a String#count set: `a-z` ranges, a leading `^` negates. */
function inCharSet(c: string, set: string): boolean {
  const negate = set.length > 1 && set.startsWith('^');
  const body = negate ? set.slice(1) : set;
  let hit = false;
  for (let i = 0; i < body.length; i++) {
    if (body[i + 1] === '-' && i + 2 < body.length) {
      if (c >= body[i] && c <= body[i + 2]) hit = true;
      i += 2;
    } else if (body[i] === c) hit = true;
  }
  return negate ? !hit : hit;
}

/** Ruby's Float(str), as these functions test numbers. */
function rubyFloat(s: string): number | undefined {
  const t = s.trim();
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
  if (!/^[-+]?(\d+(_\d+)*)?(\.\d+(_\d+)*)?([eE][-+]?\d+)?$/.test(t) || !/\d/.test(t) || /^[-+]?[eE]/.test(t) || t.endsWith('.')) return undefined;
  return Number(t.replace(/_/g, ''));
}

function num2bool(ctx: CallContext, v: Value): boolean {
  let n: number;
  if (typeof v === 'bigint' || typeof v === 'number') n = Number(v);
  else if (typeof v === 'string') {
    const f = rubyFloat(v);
    if (f === undefined) throw fail(ctx, `num2bool(): '${v}' does not look like a number: invalid value for Float(): ${rubyInspect(v)}`);
    n = f;
  } else {
    n = Number.parseInt(rubyToS(v), 10) || 0;
  }
  return Math.trunc(n) > 0;
}

/** IPAddr#to_s for an IPv6 address: compressed, lower case (a /prefix masks it). */
function ipv6Canonical(text: string): string {
  const [addr, prefix] = text.replace(/^\[|\]$/g, '').split('/');
  const url = new URL(`http://[${addr.replace(/%.*$/, '')}]/`);
  let h = url.hostname.slice(1, -1);
  if (prefix !== undefined && /^\d+$/.test(prefix)) {
    const groups = expand(h);
    let bits = BigInt(`0x${groups.join('')}`);
    const len = BigInt(prefix);
    bits &= ((1n << 128n) - 1n) ^ ((1n << (128n - len)) - 1n);
    const hex = bits.toString(16).padStart(32, '0');
    h = new URL(`http://[${hex.match(/.{4}/g)!.join(':')}]/`).hostname.slice(1, -1);
  }
  // IPAddr writes the last 32 bits of ::hhhh:hhhh and ::ffff:hhhh:hhhh as an IPv4 address.
  const m = /^::(ffff:)?([\da-f]{1,4}):([\da-f]{1,4})$/i.exec(h);
  if (m) {
    const [x, y] = [Number.parseInt(m[2], 16), Number.parseInt(m[3], 16)];
    h = `::${m[1] ?? ''}${x >> 8}.${x & 255}.${y >> 8}.${y & 255}`;
  }
  return h;
}

function expand(h: string): string[] {
  const [head, tail] = h.includes('::') ? h.split('::') : [h, undefined];
  const a = head ? head.split(':') : [];
  const b = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - a.length - b.length).fill('0');
  return [...a, ...fill, ...b].map((g) => g.padStart(4, '0'));
}

Object.assign(LEGACY_CHECKS, checks);

export const MORE_STDLIB_FUNCTIONS: BuiltinFunction[] = Object.entries(checks).map(([name, check]) =>
  fn(name, 'Any *args', 'Any', (ctx, args) => check(ctx, args.map((a) => (a === undefined ? '' : a)))));
