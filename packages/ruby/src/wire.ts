// Values on the wire between JavaScript and Ruby: JSON text, tagged where JSON has no word for a
// Puppet value (see src/ruby/kasper.rb for the Ruby half).
//
// JavaScript → Ruby: strings, integers (digits), floats (always with '.' or an exponent so Ruby
// reads a Float), booleans, null for undef, arrays, and hashes whose keys are all strings as JSON
// objects (Ruby's JSON keeps their order). Anything else is an object tagged by the key "\u0000";
// `special` tells Ruby whether it needs to look for tags at all.
//
// Ruby → JavaScript: the same, except that every Hash is tagged (`h`, its entries as a flat
// [k, v, ...] list), because a JavaScript object would reorder keys such as "2" and "1";
// integers become bigint by their source text.
import { capitalize, quoted, specialKind, type PuppetValue, type ValueFactory } from './values.ts';

/**
 * Hashes and arrays that Ruby holds as one object across calls, as Puppet's Ruby holds a
 * variable's value: what `scope.lookupvar` answered and what `scope.setvar` set. Ruby gets such a
 * value once (tagged `k` with its id and the value) and then by id alone, so every reader sees
 * the same Ruby object, symbol keys and all (apache's `lookupvar('_template_scope')[:item] = …`
 * read by a nested template). Ruby reports its changes to them after each call, and they are
 * made here in place. Ruby forgets one when JavaScript no longer holds it.
 */
export class Kept {
  private readonly ids = new WeakMap<object, number>();
  private readonly objects = new Map<number, WeakRef<object>>();
  private readonly inRuby = new Set<number>();
  private readonly registry = new FinalizationRegistry<number>((id) => {
    this.objects.delete(id);
    if (this.inRuby.delete(id)) this.dropped.push(id);
  });
  /** Ids Ruby may forget (sent with the next call). */
  dropped: number[] = [];
  private next = 1;

  /** Keeps a value for Ruby (a hash or array that is not frozen); its id. */
  keep(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(o, id);
      this.objects.set(id, new WeakRef(o));
      this.registry.register(o, id);
    }
    return id;
  }

  idOf(o: object): number | undefined {
    return this.ids.get(o);
  }

  get(id: number): object | undefined {
    return this.objects.get(id)?.deref();
  }

  /** Whether Ruby has the object already; marks that it will from now. */
  sent(id: number): boolean {
    if (this.inRuby.has(id)) return true;
    this.inRuby.add(id);
    return false;
  }
}

/** Host objects lent to Ruby during one outermost call, by id, so they come back as themselves. */
export class Handles {
  /** Not cleared with the handles: kept values live as long as JavaScript holds them. */
  readonly kept = new Kept();
  private readonly objects = new Map<number, object>();
  private readonly ids = new Map<object, number>();
  private next = 1;

  id(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(o, id);
      this.objects.set(id, o);
    }
    return id;
  }

  get(id: number): object | undefined {
    return this.objects.get(id);
  }

  clear(): void {
    this.objects.clear();
    this.ids.clear();
  }
}

export interface Encoded {
  text: string;
  special: boolean;
}

/** Encodes a value for Ruby. Objects that Ruby cannot hold go as handles. */
export function encode(v: PuppetValue, handles: Handles): Encoded {
  const state = { special: false };
  const text = enc(v, handles, state, 0);
  return { text, special: state.special };
}

function floatText(n: number): string {
  if (Object.is(n, -0)) return '-0.0';
  const s = String(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function enc(v: PuppetValue, h: Handles, st: { special: boolean }, depth: number): string {
  if (depth > 200) throw new Error('a value nested more than 200 levels deep cannot be given to Ruby');
  switch (typeof v) {
    case 'undefined':
      return 'null';
    case 'string':
      return JSON.stringify(v);
    case 'bigint':
      return v.toString();
    case 'number':
      if (Number.isFinite(v)) return floatText(v);
      st.special = true;
      return `{"\\u0000":"f","v":"${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}"}`;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Object.isFrozen(v) && (Array.isArray(v) || v instanceof Map)) {
        // Frozen in JavaScript, frozen in Ruby (with its strings): Puppet deep-freezes $facts
        // and $trusted, and a template that changes them fails.
        st.special = true;
        return `{"\\u0000":"z","v":${enc(Array.isArray(v) ? [...v] : new Map(v), h, st, depth + 1)}}`;
      }
      const kid = h.kept.idOf(v);
      if (kid !== undefined) {
        st.special = true;
        if (h.kept.sent(kid)) return `{"\\u0000":"k","id":${kid}}`;
        return `{"\\u0000":"k","id":${kid},"v":${encPlain(v as PuppetValue, h, st, depth)}}`;
      }
      return encPlain(v as PuppetValue, h, st, depth);
    }
    default:
      throw new Error(`a ${typeof v} is not a Puppet value`);
  }
}

/** An array, a hash or a host object, as itself (not as a kept value). */
function encPlain(v: PuppetValue, h: Handles, st: { special: boolean }, depth: number): string {
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + enc(v[i] as PuppetValue, h, st, depth + 1);
    return `${s}]`;
  }
  if (v instanceof Map) {
    let plain = true;
    for (const k of v.keys()) {
      if (typeof k !== 'string' || k === '\u0000') {
        plain = false;
        break;
      }
    }
    if (plain) {
      let s = '{';
      let first = true;
      for (const [k, x] of v) {
        s += `${first ? '' : ','}${JSON.stringify(k)}:${enc(x as PuppetValue, h, st, depth + 1)}`;
        first = false;
      }
      return `${s}}`;
    }
    st.special = true;
    let s = '{"\\u0000":"h","e":[';
    let first = true;
    for (const [k, x] of v) {
      s += `${first ? '' : ','}${enc(k as PuppetValue, h, st, depth + 1)},${enc(x as PuppetValue, h, st, depth + 1)}`;
      first = false;
    }
    return `${s}]}`;
  }
  st.special = true;
  return special(v as object, h, st, depth);
}

function special(v: object, h: Handles, st: { special: boolean }, depth: number): string {
  const o = v as Record<string, unknown>;
  const id = h.id(v);
  switch (specialKind(v)) {
    case 'default':
      return '{"\\u0000":"d"}';
    case 'regexp':
      return `{"\\u0000":"r","p":${JSON.stringify(v instanceof RegExp ? v.source : o.pattern)},"id":${id}}`;
    case 'sensitive':
      return `{"\\u0000":"s","v":${enc(o.value as PuppetValue, h, st, depth + 1)},"id":${id}}`;
    case 'timestamp':
      return `{"\\u0000":"o","k":"timestamp","s":${JSON.stringify(String(v))},"ns":"${typeof o.ns === 'bigint' ? o.ns : BigInt(Math.round(o.ms as number)) * 1000000n}","id":${id}}`;
    case 'binary':
      return `{"\\u0000":"o","k":"binary","s":${JSON.stringify(Buffer.from(o.bytes as Uint8Array).toString('base64'))},"id":${id}}`;
    case 'type': {
      if (o.name === 'Resource' || 'typeName' in o) {
        const t = o.typeName as string | undefined;
        const title = o.title as string | undefined;
        const text = t === undefined ? 'Resource' : title === undefined ? capitalize(t) : `${capitalize(t)}[${quoted(title)}]`;
        return `{"\\u0000":"o","k":"resource","t":${JSON.stringify(t ?? null)},"n":${JSON.stringify(title ?? null)},"s":${JSON.stringify(text)},"id":${id}}`;
      }
      if (o.name === 'Class' || 'className' in o) {
        const c = o.className as string | undefined;
        return `{"\\u0000":"o","k":"class","n":${JSON.stringify(c ?? null)},"s":${JSON.stringify(c === undefined ? 'Class' : `Class[${c}]`)},"id":${id}}`;
      }
      return `{"\\u0000":"o","k":"type","n":${JSON.stringify(typeof o.name === 'string' ? o.name : null)},"s":${JSON.stringify(String(v))},"id":${id}}`;
    }
    default:
      return `{"\\u0000":"o","k":"other","s":${JSON.stringify(String(v))},"id":${id}}`;
  }
}

/**
 * Decodes Ruby's answer (JSON text on the wire) into Puppet values. Text with no number in it
 * (most answers: a template's output, strings, hashes of strings) is parsed without a reviver,
 * which V8 runs several times faster, and its tagged values converted after; a number needs the
 * reviver's view of its source text (an Integer is a bigint, `1.0` a Float), so text with one is
 * parsed again with it.
 */
export function decode(text: string, handles: Handles, values: ValueFactory): unknown {
  const revive = (value: unknown): unknown => {
    // null stays null until its container takes it: a reviver returning undefined would delete
    // the element and leave a hole in an array.
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (value[i] === null) value[i] = undefined;
      return value;
    }
    const o = value as Record<string, unknown>;
    const tag = o['\u0000'];
    if (tag === undefined) return value;
    const known = o.id == null ? undefined : handles.get(Number(o.id));
    switch (tag) {
      case 'h': {
        const e = o.e as unknown[];
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < e.length; i += 2) m.set(e[i], e[i + 1]); // the array turned its nulls into undefined
        return m;
      }
      case 'd':
        return values.default;
      case 'f':
        return o.v === 'NaN' ? NaN : o.v === '-Infinity' ? -Infinity : Infinity;
      case 'r':
        return known ?? values.regexp(o.p as string);
      case 's':
        return known ?? values.sensitive((o.v ?? undefined) as PuppetValue);
      case 'o': {
        if (known) return known;
        const s = o.s as string;
        switch (o.k) {
          case 'resource':
            return o.t ? values.resource(String(o.t).toLowerCase(), o.n == null ? undefined : String(o.n)) : values.type('Resource');
          case 'class':
            return values.classRef(o.n == null ? undefined : String(o.n));
          case 'type':
            return values.type(s);
          case 'timestamp':
            return values.timestamp(s);
          case 'binary':
            return values.binary(s);
          default:
            return s;
        }
      }
      default:
        return value;
    }
  };
  // Parsed without a reviver first; a number anywhere in it sends the text through the reviver
  // instead. (Testing the text for a digit after a colon, as before, sent most of a template's
  // answers through the reviver: `*:80` is in every virtual host; scanning the text's strings
  // exactly cost more than parsing it.)
  let numbers = false;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'number') numbers = true;
    if (numbers || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = walk(value[i]);
    } else {
      const o = value as Record<string, unknown>;
      for (const k in o) o[k] = walk(o[k]);
    }
    return revive(value);
  };
  const parsed = walk(JSON.parse(text));
  if (!numbers) return parsed === null ? undefined : parsed;
  const v = JSON.parse(text, function reviver(this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (typeof value === 'number') {
      const src = context?.source;
      return src !== undefined && !/[.eE]/.test(src) ? BigInt(src) : value;
    }
    return revive(value);
  });
  return v === null ? undefined : v;
}

/**
 * Makes `orig` equal to `next` in place, keeping the identity of arrays and hashes inside it,
 * so every place that holds them sees Ruby's change as it would under Puppet.
 */
export function patch(orig: PuppetValue, next: PuppetValue): PuppetValue {
  if (Array.isArray(orig) && Array.isArray(next) && !Object.isFrozen(orig)) {
    const items = next.map((x, i) => (i < orig.length ? patch(orig[i] as PuppetValue, x as PuppetValue) : x));
    orig.length = 0;
    for (const x of items) orig.push(x);
    return orig;
  }
  if (orig instanceof Map && next instanceof Map && !Object.isFrozen(orig)) {
    const entries = [...next].map(([k, x]) => [k, orig.has(k) ? patch(orig.get(k) as PuppetValue, x as PuppetValue) : x] as const);
    orig.clear();
    for (const [k, x] of entries) orig.set(k, x);
    return orig;
  }
  return next;
}
