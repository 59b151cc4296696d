// The custom facts of Debian's puppet-module-* packages (lib/facter/*.rb), resolved by Kasper
// (`kasper facts --modulepath`, the agent) and by Puppet 7 (`puppet facts show --modulepath`) on
// the same kind of host. Puppet's answer is the golden file module-facts/expected.json, written by
// module-facts/regenerate.sh with the host it was recorded on; where this host differs in what
// the facts depend on (Debian release, CPU count, what runs as PID 1), the comparison is skipped,
// and a fact that looks for a program (haproxy_version: haproxy) is left out when this host has
// or lacks that program unlike the recording host (other tests install some, e.g. HAProxy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectFacts, folderFactSources, moduleFactSources } from '../../packages/facts/src/index.ts';
import { Registry, detectHost } from '../../packages/providers/src/index.ts';
import { hasCommand, needs } from '../support/host.ts';

const here = join(import.meta.dirname, 'module-facts');
const MODULES = '/usr/share/puppet/modules';
const golden = JSON.parse(readFileSync(join(here, 'expected.json'), 'utf8')) as {
  host: { debian: string; processors: number; pid1: string; commands: string[] };
  facts: Record<string, unknown>;
};
const names = readFileSync(join(here, 'names.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The facts that look for a program, by the programs they look for (regenerate.sh records which the host has). */
const PROBED: Record<string, string[]> = {
  haproxy: ['haproxy_version'], httpd: ['apache_version'], apache2: ['apache_version'], apachectl: ['apache_version'],
  collectd: ['collectd_version'], rabbitmqadmin: ['rabbitmq_version'], 'redis-server': ['redis_server_version'], erl: ['erl_ssl_path'],
  mysql: ['mysql_version'], filebeat: ['filebeat_version'], 'ovs-vsctl': ['ovs_version'], sssd: ['sssd_version'], virsh: ['libvirt_uuid'],
};

/** The facts whose program this host has and the recording host had not, or the other way round. */
function probedDifferently(): string[] {
  const here = Object.keys(PROBED).filter((c) => hasCommand(c));
  const differs = Object.keys(PROBED).filter((c) => here.includes(c) !== golden.host.commands.includes(c));
  return [...new Set(differs.flatMap((c) => PROBED[c]))].sort();
}

function hostDiffers(): string | undefined {
  const now = { debian: read('/etc/debian_version').split('.')[0], processors: cpus().length, pid1: read('/proc/1/comm') };
  const diff = (Object.keys(now) as (keyof typeof now)[]).filter((k) => now[k] !== golden.host[k]);
  return diff.length ? `the golden facts were recorded on another kind of host (${diff.map((k) => `${k} ${golden.host[k]} there, ${now[k]} here`).join('; ')})` : undefined;
}

test('Debian\'s modules\' custom facts resolve as Puppet 7 resolves them', async (t) => {
  if (!needs(t, existsSync(join(MODULES, 'stdlib')), `needs Debian's puppet-module-* packages in ${MODULES}`)) return;
  const other = hostDiffers();
  if (other) {
    t.skip(other);
    return;
  }
  const registry = new Registry();
  const host = detectHost();
  const facts = await collectFacts({ names, custom: moduleFactSources([MODULES]), defaultProvider: (type) => registry.defaultProviderName(type, host) });
  // `puppet facts show NAME…` prints a fact that resolved to nothing as ''.
  const left = probedDifferently();
  if (left.length) t.diagnostic(`left out, their programs differ from the recording host's: ${left.join(', ')}`);
  const compared = names.filter((n) => !left.includes(n));
  const mine = Object.fromEntries(compared.map((n) => [n, facts[n] ?? '']));
  const theirs = Object.fromEntries(compared.map((n) => [n, golden.facts[n] ?? '']));
  assert.deepEqual(mine, theirs);
});

test('custom facts start Ruby only when a fact asked for is one of theirs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-module-facts-'));
  mkdirSync(join(dir, 'mod/lib/facter'), { recursive: true });
  writeFileSync(join(dir, 'mod/lib/facter/flavour.rb'), "Facter.add(:flavour) { setcode { \"#{Facter.value(:kernel)}-#{Facter.value('os.family')}\" } }\n");
  // In a process of its own each, so that no other test has loaded Ruby.
  const run = (names: string[]) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', `
    import { collectFacts, moduleFactSources } from './packages/facts/src/index.ts';
    import { isRubyLoaded } from './packages/ruby/src/index.ts';
    const f = await collectFacts({ names: ${JSON.stringify(names)}, custom: moduleFactSources([${JSON.stringify(dir)}]) });
    process.stdout.write(JSON.stringify({ facts: f, ruby: isRubyLoaded() }));`], { cwd: join(import.meta.dirname, '../..'), encoding: 'utf8' })) as { facts: Record<string, unknown>; ruby: boolean };
  const core = run(['kernel']);
  assert.deepEqual(core, { facts: { kernel: 'Linux' }, ruby: false });
  const custom = run(['flavour', 'kernel']);
  assert.equal(custom.ruby, true);
  assert.match(String(custom.facts.flavour), /^Linux-\w+$/);
  assert.equal(custom.facts.kernel, 'Linux');
});

test('an agent\'s synced plugins: facts in <plugindest>/facter require helpers from <plugindest>', async () => {
  // pluginsync puts every module's lib/facter and lib/puppet_x side by side in plugindest
  const dest = mkdtempSync(join(tmpdir(), 'kasper-plugindest-'));
  mkdirSync(join(dest, 'facter'), { recursive: true });
  mkdirSync(join(dest, 'puppet_x/site'), { recursive: true });
  writeFileSync(join(dest, 'puppet_x/site/role.rb'), "module PuppetX; module Site; def self.role(k) = \"#{k}-web\"; end; end\n");
  writeFileSync(join(dest, 'facter/site_role.rb'), "require 'puppet_x/site/role'\nFacter.add(:site_role) { setcode { PuppetX::Site.role(Facter.value(:kernel)) } }\n");
  writeFileSync(join(dest, 'facter/broken.rb'), "require 'no/such/helper'\n");
  const errors: unknown[] = [];
  const facts = await collectFacts({ names: ['site_role'], custom: folderFactSources([join(dest, 'facter')], [dest]), onCustomError: (e) => errors.push(e.file) });
  assert.deepEqual(facts, { site_role: 'Linux-web' });
  assert.deepEqual(errors, [join(dest, 'facter/broken.rb')]);
});
