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
