// Custom types' metadata read by running lib/puppet/type/*.rb against Kasper's recording
// Puppet::Type, compared with what Puppet 7 itself loads from the same files
// (test/support/puppet-types.rb): parameters in order (provider added when the module ships
// providers), properties, namevars, title patterns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadRubyType, loadRubyTypes, RubyError, type RubyTypeInfo } from '../src/index.ts';
import { needs } from '../../../test/support/host.ts';
import { corpusModulepath } from '../../../test/support/module-corpus.ts';
import { hasPuppet, puppetTypes } from './support/reference.ts';
import { debianModules, moduleFiles } from './support/debian-modules.ts';

function comparable(t: RubyTypeInfo): unknown {
  return {
    name: t.name,
    parameters: t.parameters,
    properties: t.properties,
    namevars: t.namevars,
    titlePatterns: t.titlePatterns ? t.titlePatterns.map((p) => ({ pattern: p.pattern, fields: p.fields })) : { error: t.titlePatternsError },
  };
}

function compareWithPuppet(dir: string): { loaded: number; total: number; differ: unknown[] } {
  const files = moduleFiles(dir, 'lib/puppet/type');
  const expected = puppetTypes(dir, files);
  const differ: unknown[] = [];
  let loaded = 0;
  for (const file of files) {
    let mine: unknown;
    try {
      mine = comparable(loadRubyType(readFileSync(file, 'utf8'), file));
      loaded++;
    } catch (e) {
      mine = { error: (e as Error).message };
    }
    if (JSON.stringify(mine) !== JSON.stringify(expected[file])) differ.push({ file, kasper: mine, puppet: expected[file] });
  }
  return { loaded, total: files.length, differ };
}

test('the corpus modules\' types load as Puppet 7 loads them', (t) => {
  if (!needs(t, hasPuppet, 'needs Debian\'s puppet for the expected answers')) return;
  const corpus = corpusModulepath();
  if (!needs(t, 'dir' in corpus, 'reason' in corpus ? corpus.reason : '')) return;
  const r = compareWithPuppet((corpus as { dir: string }).dir);
  assert.ok(r.total >= 10, `only ${r.total} types in the corpus`);
  assert.deepEqual(r.differ, []);
});

test('every type of every Debian-packaged module loads as Puppet 7 loads it', (t) => {
  if (!needs(t, hasPuppet, 'needs Debian\'s puppet for the expected answers')) return;
  const mods = debianModules();
  if (!needs(t, 'dir' in mods, 'reason' in mods ? mods.reason : '')) return;
  const r = compareWithPuppet((mods as { dir: string }).dir);
  t.diagnostic(`${r.loaded} of ${r.total} types loaded`);
  assert.deepEqual(r.differ, []);
  assert.equal(r.loaded, r.total);
});

test('the type DSL: namevars, title patterns, ensurable, features, values', () => {
  const [info] = loadRubyTypes(`
    Puppet::Type.newtype(:thing) do
      @doc = 'A thing.'
      feature :refreshable, 'Can be refreshed.', methods: [:refresh]
      ensurable do
        defaultvalues
        newvalue(:stopped)
      end
      def self.title_patterns
        [[%r{^([^/]+)/(.*)$}, [[:zone], [:name]]], [/(.*)/m, [[:name]]]]
      end
      newparam(:name, namevar: true) { desc 'Its name.' }
      newparam(:zone) do
        isnamevar
        newvalues(/^[a-z]+$/, :default)
      end
      newparam(:force, boolean: true, parent: Puppet::Parameter::Boolean)
      newproperty(:size, required_features: [:refreshable]) do
        validate { |v| raise ArgumentError, 'no' unless v.to_i > 0 }
        munge(&:to_i)
      end
      autorequire(:file) { ['/etc/thing'] }
      validate { fail 'never run here' }
    end`, '/m/lib/puppet/type/thing.rb', { providers: true });
  assert.deepEqual([info.name, info.parameters, info.properties, info.namevars], ['thing', ['name', 'zone', 'force', 'provider'], ['ensure', 'size'], ['name', 'zone']]);
  assert.deepEqual(info.titlePatterns, [{ pattern: '^([^/]+)/(.*)$', options: 0, fields: ['zone', 'name'] }, { pattern: '(.*)', options: 4, fields: ['name'] }]);
  assert.deepEqual(info.features, [{ name: 'refreshable', doc: 'Can be refreshed.', methods: ['refresh'] }]);
  assert.equal(info.doc, 'A thing.');
  assert.deepEqual(info.attributes.zone, { kind: 'parameter', values: ['default'], regexes: ['^[a-z]+$'], requiredFeatures: [], boolean: false });
  assert.deepEqual(info.attributes.ensure.values, ['present', 'absent', 'stopped']);
  assert.equal(info.attributes.force.boolean, true);
  assert.deepEqual(info.attributes.size.requiredFeatures, ['refreshable']);
  // Two namevars and no title_patterns: Puppet's error, kept as data.
  const [two] = loadRubyTypes('Puppet::Type.newtype(:two) do\n newparam(:a, namevar: true)\n newparam(:b, namevar: true)\nend', '/m/lib/puppet/type/two.rb', { providers: false });
  assert.equal(two.titlePatterns, undefined);
  assert.match(two.titlePatternsError!, /title patterns/);
  // A type whose file fails names the file and line.
  assert.throws(() => loadRubyType('Puppet::Type.newtype(:bad) do\n  newparam(:x) do\n    nosuch_dsl_method\n  end\nend', '/m/lib/puppet/type/bad.rb'),
    (e: unknown) => e instanceof RubyError && e.file === '/m/lib/puppet/type/bad.rb' && e.line === 3);
});
