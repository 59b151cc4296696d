// The value bridge: Ruby's values as Puppet values, Puppet values through Ruby and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callRubyFunction, loadRubyFunction, loadRubySync } from '../src/index.ts';
import { DEFAULT, PRegexp, PSensitive } from '../../compiler/src/values.ts';
import { parameterize, resourceType, typeByName } from '../../compiler/src/types/index.ts';
import { kasperTypes, kasperValues } from './support/kasper-values.ts';
import { mapScope } from './support/scope.ts';

test('Ruby values come back as Puppet values, as Puppet converts them', () => {
  const vm = loadRubySync();
  const v = vm.eval(`[1, 2**64, 1.0, 1e300, -0.0, nil, true, "ü", :sym, :undef, :default, /a+\\z/i,
    {"2" => 1, "1" => 2, 3 => [nil], [1] => {}}, Float::INFINITY,
    Puppet::Pops::Types::PSensitiveType::Sensitive.new("s"), Puppet::Resource.new("file", "/x"),
    Puppet::Pops::Types::PResourceType.new("Apt::Source", "main"), Puppet::Pops::Types::PClassType.new("ntp"),
    Set[1, 2], Time.at(0).utc]`, kasperValues) as unknown[];
  assert.deepEqual(v.slice(0, 11), [1n, 2n ** 64n, 1.0, 1e300, -0, undefined, true, 'ü', 'sym', undefined, DEFAULT]);
  assert.ok(v[11] instanceof PRegexp && v[11].pattern === 'a+\\z');
  assert.deepEqual([...(v[12] as Map<unknown, unknown>).keys()], ['2', '1', 3n, [1n]]);
  assert.equal(v[13], Infinity);
  assert.ok(v[14] instanceof PSensitive && v[14].value === 's');
  // Kasper's references, printed as puppet apply prints them (the catalog keeps File[/x])
  assert.equal(String(v[15]), "File['/x']");
  assert.equal(String(v[16]), "Apt::Source['main']");
  assert.equal(String(v[17]), 'Class[ntp]');
  assert.deepEqual(v[18], [1n, 2n]);
  assert.equal(v[19], '1970-01-01 00:00:00 UTC');
});

test('Puppet values given to Ruby come back as the very same objects', () => {
  const fn = loadRubyFunction('/m/lib/puppet/functions/echo.rb', `
    Puppet::Functions.create_function(:echo) do
      def echo(*values) = values.map { |v| [v, v.class.name] }
    end`);
  const type = parameterize(typeByName('Optional')!, [typeByName('String')!]);
  const ref = resourceType('file', '/etc/motd');
  const sensitive = new PSensitive('secret');
  const re = new PRegexp('^a');
  const list = callRubyFunction(fn, [type, ref, sensitive, re, DEFAULT, new Map([[1n, 'one']])], undefined, { ...mapScope(new Map()), ...kasperTypes, values: kasperValues }) as [unknown, string][];
  assert.equal(list[0][0], type);
  assert.equal(list[1][0], ref);
  assert.equal(list[2][0], sensitive);
  assert.equal(list[3][0], re);
  assert.equal(list[4][0], DEFAULT);
  assert.deepEqual(list.map((x) => x[1]), ['Puppet::Pops::Types::POptionalType', 'Puppet::Pops::Types::PResourceType', 'Puppet::Pops::Types::PSensitiveType::Sensitive', 'Regexp', 'Symbol', 'Hash']);
  assert.deepEqual(list[5][0], new Map([[1n, 'one']]));
});

test('answers without numbers take the reviver-less path and decode exactly as with the reviver', async () => {
  const { decode, Handles } = await import('../src/wire.ts');
  const numberIn = (v: unknown): boolean => typeof v === 'number' || (typeof v === 'object' && v !== null && Object.values(v).some(numberIn));
  // Seeded (printed) random wire texts with no number token: strings full of digits, colons and
  // commas, arrays with nulls, tagged hashes, Sensitive, default, regexps, non-finite floats.
  const seed = 20261201;
  let state = seed;
  const rand = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const str = () => JSON.stringify(Array.from({ length: rand(8) }, () => ':,[1-2"\\ab9\u0000ü'[rand(15)]).join(''));
  const value = (depth: number): string => {
    const k = depth > 3 ? rand(3) : rand(9);
    switch (k) {
      case 0: return str();
      case 1: return ['null', 'true', 'false'][rand(3)];
      case 2: return '{"\\u0000":"d"}';
      case 3: return `[${Array.from({ length: rand(4) }, () => value(depth + 1)).join(',')}]`;
      case 4: return `{"\\u0000":"h","e":[${Array.from({ length: rand(3) }, () => `${str()},${value(depth + 1)}`).join(',')}]}`;
      case 5: return `{"\\u0000":"s","v":${value(depth + 1)}}`;
      case 6: return `{"\\u0000":"r","p":${str()}}`;
      case 7: return `{"\\u0000":"f","v":"${['NaN', 'Infinity', '-Infinity'][rand(3)]}"}`;
      default: return `{${Array.from({ length: rand(3) }, () => `${str()}:${value(depth + 1)}`).join(',')}}`;
    }
  };
  const handles = new Handles();
  for (let i = 0; i < 500; i++) {
    const text = value(0);
    assert.equal(numberIn(JSON.parse(text)), false, `seed ${seed}: a number in ${text}`);
    // A trailing number sends the same text through the reviver.
    const slow = (decode(`[${text},0]`, handles, kasperValues) as unknown[])[0];
    assert.deepEqual(decode(text, handles, kasperValues), slow, `seed ${seed}: ${text}`);
  }
  // and numbers still come back as Puppet's: an Integer as a bigint, a Float as a number
  assert.deepEqual(decode('{"\\u0000":"h","e":["a",1,"b",1.0,"c","1"]}', handles, kasperValues), new Map<string, unknown>([['a', 1n], ['b', 1], ['c', '1']]));
});
