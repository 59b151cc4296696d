// Repeatable randomness as Puppet computes it: fqdn_rand (Puppet's core) and fqdn_rotate
// (stdlib). Both seed Ruby's Random (MT19937) with the MD5 of the node's fqdn joined with the
// call's arguments; the numbers must be Puppet's exactly, since sites use them to spread cron
// jobs and to pick servers, so Ruby's seeding (init_genrand / init_by_array over the seed's
// 32-bit words) and its Random#rand(n) (mask and retry) are reproduced here.
import { createHash } from 'node:crypto';
import type { Value } from '../values.ts';
import type { CallContext, PuppetFunction } from './context.ts';
import { rubyJoin, rubyToI } from './ruby-text.ts';
import { fn, type BuiltinFunction } from './signature.ts';

/** MT19937, as Ruby's Random runs it. */
class MersenneTwister {
  private readonly mt = new Uint32Array(624);
  private index = 625;

  /** Ruby's seeding: one word by init_genrand, more by init_by_array. */
  constructor(words: readonly number[]) {
    if (words.length <= 1) this.initGenrand(words[0] ?? 0);
    else this.initByArray(words);
  }

  private initGenrand(seed: number): void {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, p) + i) >>> 0;
    }
    this.index = 624;
  }

  private initByArray(key: readonly number[]): void {
    this.initGenrand(19650218);
    const mt = this.mt;
    let i = 1;
    let j = 0;
    for (let k = Math.max(624, key.length); k > 0; k--) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(p, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= 624) { mt[0] = mt[623]; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = 623; k > 0; k--) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(p, 1566083941)) - i) >>> 0;
      i++;
      if (i >= 624) { mt[0] = mt[623]; i = 1; }
    }
    mt[0] = 0x80000000;
  }

  /** The next 32-bit output. */
  next(): number {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y = (y ^ ((y << 7) & 0x9d2c5680)) >>> 0;
    y = (y ^ ((y << 15) & 0xefc60000)) >>> 0;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** A seed's 32-bit words, least significant first, as Ruby packs it (dropping a top word of 1). */
function seedWords(seed: bigint): number[] {
  const words: number[] = [];
  let s = seed < 0n ? -seed : seed;
  do {
    words.push(Number(s & 0xffffffffn));
    s >>= 32n;
  } while (s > 0n);
  if (words.length > 1 && words[words.length - 1] === 1) words.pop();
  return words;
}

/**
 * `Random.new(seed).rand(max)` for 0 < max ≤ 2**64: a draw of as many bits as max - 1 needs
 * (high word first), drawn again while it exceeds max - 1.
 */
export function rubyRandom(seed: bigint, max: bigint): bigint {
  const limit = max - 1n;
  if (limit === 0n) return 0n;
  const mt = new MersenneTwister(seedWords(seed));
  let mask = limit;
  for (const s of [1n, 2n, 4n, 8n, 16n, 32n]) mask |= mask >> s;
  for (;;) {
    let value = 0n;
    let over = false;
    for (let i = 1n; i >= 0n; i--) {
      if (((mask >> (i * 32n)) & 0xffffffffn) === 0n) continue;
      value = (value | (BigInt(mt.next()) << (i * 32n))) & mask;
      if (value > limit) { over = true; break; }
    }
    if (!over) return value;
  }
}

/** The seed Puppet derives: MD5 of the parts joined with ':', as a number. */
function md5Seed(parts: Value[]): bigint {
  return BigInt(`0x${createHash('md5').update(rubyJoin(parts, ':')).digest('hex')}`);
}

/** The node's fqdn as `$facts['networking']['fqdn']` gives it (undef: empty). */
function networkingFqdn(ctx: CallContext): Value {
  const facts = ctx.variable('facts');
  const networking = facts instanceof Map ? facts.get('networking') : undefined;
  return networking instanceof Map ? networking.get('fqdn') : undefined;
}

/** fqdn_rand(max, [seed], [downcase]): 0 ≤ n < max, the same on every run for a node. */
const fqdnRand: PuppetFunction = (ctx, args) => {
  const max = rubyToI(args[0]);
  if (max === undefined) throw ctx.error('KSP-FUNC-042', { function: 'fqdn_rand', value: String(args[0]) });
  if (max <= 0n) throw ctx.error('KSP-FUNC-043', { max: String(max) });
  let fqdn = networkingFqdn(ctx);
  // Puppet downcases when a third argument is given and is not false (undef counts as given).
  if (args.length > 2 && args[2] !== false && typeof fqdn === 'string') fqdn = fqdn.toLowerCase();
  return rubyRandom(md5Seed([fqdn, max, args.length > 1 ? args[1] : undefined]), max);
};

/** stdlib's fqdn_rotate(array_or_string, *seeds): rotated by a number fqdn_rand-like. */
const fqdnRotate: PuppetFunction = (ctx, args0) => {
  // A legacy function: undef reaches it as '' (so fqdn_rotate(undef) is '').
  const args = args0.map((a) => (a === undefined ? '' : a));
  const value = args[0];
  if (!Array.isArray(value) && typeof value !== 'string') throw ctx.error('KSP-FUNC-044', {});
  const items = typeof value === 'string' ? [...value] : value;
  if (items.length <= 1) return value;
  const offset = Number(rubyRandom(md5Seed([ctx.variable('fqdn'), args.slice(1)]), BigInt(items.length)));
  const rotated = [...items.slice(offset), ...items.slice(0, offset)];
  return typeof value === 'string' ? rotated.join('') : rotated;
};

export const RANDOM_FUNCTIONS: BuiltinFunction[] = [
  fn('fqdn_rand', 'Any max, Any seed?, Any downcase?', 'Integer', fqdnRand),
  fn('fqdn_rotate', 'Any value, Any *seeds', 'Variant[Array, String]', fqdnRotate),
];
