// Custom facts (lib/facter/*.rb) resolved here and by Facter 4 itself on the same machine, with
// the same files: Facter's own core facts are the host's facts here, so only the custom facts'
// Ruby, the Facter API shim and command execution are compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { configureRuby, resolveRubyFacts, type FactHost } from '../src/index.ts';
import { needs } from '../../../test/support/host.ts';
import { corpusModulepath } from '../../../test/support/module-corpus.ts';
import { facterJson, hasFacter, hasPuppet } from './support/reference.ts';
import { debianModules, moduleFiles } from './support/debian-modules.ts';

/** Facts whose code needs Puppet's own libraries loaded (Facter answers them only under an agent). */
const NEEDS_PUPPET = new Set(['package_provider', 'service_provider', 'puppet_vardir', 'puppet_environmentpath', 'puppet_server']);
/** Facts that need a Ruby C extension a WebAssembly Ruby cannot load (ruby-augeas). */
const NEEDS_C_EXTENSION = new Set(['sssd_services']);

function factNames(files: string[]): string[] {
  const names = new Set<string>();
  for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/Facter\.add\(\s*['":]([A-Za-z0-9_-]+)/g)) names.add(m[1]);
  return [...names].sort();
}

function facterHost(): FactHost {
  const core = facterJson(['--show-legacy', '--no-external-facts']);
  return {
    fact: (name) => name.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), core),
    log: () => undefined,
  };
}

function compareWithFacter(modulepath: string): { files: number; names: number; resolved: number; differ: unknown[] } {
  const files = moduleFiles(modulepath, 'lib/facter');
  const names = factNames(files);
  const dirs = [...new Set(files.map((f) => dirname(f)))].flatMap((d) => ['--custom-dir', d]);
  const facter = facterJson(['--no-external-facts', ...dirs, ...names]);
  const mine = resolveRubyFacts(files, facterHost());
  const differ = names
    .filter((n) => !NEEDS_PUPPET.has(n) && !NEEDS_C_EXTENSION.has(n))
    .filter((n) => JSON.stringify(mine.values[n] ?? null) !== JSON.stringify(facter[n] ?? null))
    .map((n) => ({ fact: n, kasper: mine.values[n], facter: facter[n] }));
  return { files: files.length, names: names.length, resolved: Object.keys(mine.values).length, differ };
}

test('the corpus modules\' custom facts resolve as Facter 4 resolves them', (t) => {
  if (!needs(t, hasFacter, 'needs Facter (Debian\'s puppet package) for the expected answers')) return;
  const corpus = corpusModulepath();
  if (!needs(t, 'dir' in corpus, 'reason' in corpus ? corpus.reason : '')) return;
  const r = compareWithFacter((corpus as { dir: string }).dir);
  t.diagnostic(`${r.files} files, ${r.names} facts, ${r.resolved} with a value`);
  assert.ok(r.files >= 5);
  assert.deepEqual(r.differ, []);
});

test('every Debian-packaged module\'s custom facts resolve as Facter 4 resolves them', (t) => {
  if (!needs(t, hasFacter, 'needs Facter (Debian\'s puppet package) for the expected answers')) return;
  const mods = debianModules();
  if (!needs(t, 'dir' in mods, 'reason' in mods ? mods.reason : '')) return;
  const r = compareWithFacter((mods as { dir: string }).dir);
  t.diagnostic(`${r.files} files, ${r.names} facts, ${r.resolved} with a value`);
  assert.deepEqual(r.differ, []);
});

test('facts that read Puppet\'s settings or its provider choice get them from the host', (t) => {
  if (!needs(t, hasPuppet, 'needs Debian\'s puppet for its settings')) return;
  const corpus = corpusModulepath();
  if (!needs(t, 'dir' in corpus, 'reason' in corpus ? corpus.reason : '')) return;
  const stdlib = join((corpus as { dir: string }).dir, 'stdlib/lib/facter');
  const [vardir, environmentpath, server] = execFileSync('puppet', ['config', 'print', 'vardir', 'environmentpath', 'server'], { encoding: 'utf8' })
    .trim().split('\n').map((l) => l.replace(/^\w+ = /, ''));
  configureRuby({ settings: { vardir, environmentpath, server } });
  const r = resolveRubyFacts(['puppet_settings.rb', 'package_provider.rb', 'service_provider.rb'].map((f) => join(stdlib, f)),
    { fact: () => undefined, defaultProvider: (type) => ({ package: 'apt', service: 'systemd' })[type] });
  assert.deepEqual(r.values, { puppet_vardir: vardir, puppet_environmentpath: environmentpath, puppet_server: server, package_provider: 'apt', service_provider: 'systemd' });
});

test('the Facter API: confine, weights, core facts, aggregates, commands, errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-facts-'));
  const file = join(dir, 'mine.rb');
  writeFileSync(file, `
Facter.add(:flavour) do
  confine kernel: 'Linux'
  setcode { 'linux' }
end
Facter.add(:flavour) do
  confine kernel: %w[SunOS Darwin]
  has_weight 100
  setcode { 'unix' }
end
Facter.add(:flavour) do
  has_weight 5
  confine { Facter.value(:family_hint) == 'nope' }
  setcode { 'never' }
end
Facter.add(:weighted) do
  has_weight 10
  setcode { nil }
end
Facter.add(:weighted) do
  has_weight 1
  setcode { "from #{Facter.value(:flavour)}" }
end
Facter.add(:kernel) { setcode { 'overridden?' } }
Facter.add(:os_major) do
  confine 'os.family' => /deb/
  confine :kernelrelease do |v| v.start_with?('6') end
  setcode { Facter.value('os.release.major').to_i }
end
Facter.add(:parts, type: :aggregate) do
  chunk(:a) { { 'x' => [1] } }
  chunk(:b) { { 'x' => [2], 'y' => true } }
end
Facter.add(:echo) { setcode 'echo hello' }
Facter.add(:missing_cmd) { setcode { Facter::Core::Execution.execute('no-such-command-kasper', on_fail: :absent) } }
Facter.add(:raising_cmd) { setcode { Facter::Core::Execution.execute('no-such-command-kasper') } }
Facter.add(:broken) do
  setcode do
    nil.frobnicate
  end
end
Facter.add(:which) { setcode { Facter::Core::Execution.which('sh') } }
`);
  const host: FactHost = { fact: (n) => ({ kernel: 'Linux', kernelrelease: '6.1.0', os: { family: 'Debian', release: { major: '12' } } } as Record<string, unknown>)[n.split('.')[0]] && n.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], { kernel: 'Linux', kernelrelease: '6.1.0', os: { family: 'Debian', release: { major: '12' } } }), log: () => undefined };
  const r = resolveRubyFacts([file], host);
  assert.deepEqual(r.values, {
    flavour: 'linux',
    weighted: 'from linux',
    kernel: 'Linux', // a custom fact of weight 0 does not override a core fact
    os_major: 12,
    parts: { x: [1, 2], y: true },
    echo: 'hello',
    missing_cmd: 'absent',
    which: '/usr/bin/sh',
  });
  assert.deepEqual(r.errors.map((e) => [e.fact, e.line, e.rubyClass]), [['raising_cmd', 36, 'Facter::Core::Execution::ExecutionFailure'], ['broken', 39, 'NoMethodError']]);
  assert.ok(r.errors.every((e) => e.file === file));
  // Only some facts, on request.
  assert.deepEqual(resolveRubyFacts([file], host, { names: ['echo'] }).values, { echo: 'hello' });
  // A file that fails to load is reported and the others still resolve.
  const bad = join(dir, 'bad.rb');
  writeFileSync(bad, 'Facter.add(:x) do\n  setcode { 1 }\nend\nraise "boom at load"\n');
  const r2 = resolveRubyFacts([bad, file], host, { names: ['echo'] });
  assert.deepEqual(r2.values, { echo: 'hello' });
  assert.deepEqual(r2.errors.map((e) => [e.file, e.line, e.message]), [[bad, 4, 'boom at load']]);
});
