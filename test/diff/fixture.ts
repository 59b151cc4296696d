// A small control repository made by the tests: one commit with the old code, one with the new,
// and fact files for five nodes. Between them lies every kind of difference `kasper diff` tells.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Fixture {
  root: string;
  repo: string;
  facts: string;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

const git = (repo: string, ...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export const OLD: Record<string, string> = {
  'manifests/site.pp': `node 'static1' {
  file { '/srv/static': ensure => directory }
}
node default {
  include base
  if $facts['role'] == 'web' { include web }
  if $facts['role'] == 'db' { include db }
}
`,
  'modules/base/manifests/init.pp': `class base {
  include legacy
  package { 'telnet': ensure => installed }
  package { 'curl': ensure => installed }
  file { '/etc/motd': content => epp('base/motd.epp', { 'family' => $facts['os']['family'] }), mode => '0644' }
  file { '/etc/issue': source => 'puppet:///modules/base/issue' }
  file { '/tmp/scratch': ensure => file, content => 'a' }
  service { 'cron': ensure => running }
  file { '/etc/cron.conf': ensure => file, content => 'x', tag => ['croncfg'] }
  user { 'deploy': ensure => present, password => Sensitive('old-secret') }
}
`,
  'modules/base/templates/motd.epp': `<%- | $family | -%>
Welcome to this <%= $family %> host.
Managed by Kasper.
Be nice.
`,
  'modules/base/files/issue': 'Debian GNU/Linux\n',
  'modules/legacy/manifests/init.pp': 'class legacy {\n}\n',
  'modules/monitoring/manifests/init.pp': 'class monitoring {\n}\n',
  'modules/web/manifests/init.pp': `class web {
  package { 'nginx': ensure => installed }
  service { 'nginx': }
}
`,
  'modules/db/manifests/init.pp': `class db {
  package { 'postgresql': ensure => installed }
}
`,
};

/** The new code: each line of the change is one kind of difference. */
export const NEW: Record<string, string> = {
  ...OLD,
  'modules/base/manifests/init.pp': `class base {
  include monitoring
  package { 'ssh': ensure => installed }
  package { 'curl': ensure => latest }
  file { '/etc/motd': content => epp('base/motd.epp', { 'family' => $facts['os']['family'] }), mode => '0640' }
  file { '/etc/issue': source => 'puppet:///modules/base/issue' }
  file { '/tmp/scratch': ensure => file, content => 'b' }
  service { 'cron': ensure => running }
  file { '/etc/cron.conf': ensure => file, content => 'x', tag => ['cronconf'] }
  user { 'deploy': ensure => present, password => Sensitive('new-secret') }
  Package['curl'] -> Service['cron']
}
`,
  'modules/base/templates/motd.epp': `<%- | $family | -%>
Welcome to this <%= $family %> host.
Managed by Kasper: changes here are overwritten.
Be nice.
`,
  'modules/base/files/issue': 'Debian GNU/Linux 12\n',
  'modules/web/manifests/init.pp': `class web {
  package { 'nginx': ensure => installed }
  service { 'nginx': ensure => running }
}
`,
  'modules/db/manifests/init.pp': `class db {
  include db::missing
}
`,
};

export const NODES: Record<string, Record<string, unknown>> = {
  web1: { role: 'web' },
  web2: { role: 'web' },
  app1: { role: 'app' },
  db1: { role: 'db' },
  static1: { role: 'static' },
};

export function makeFixture(): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'kasper-diff-test-'));
  const repo = join(root, 'control');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.email', 'test@example.com');
  git(repo, 'config', 'user.name', 'Kasper test');
  write(repo, OLD);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'old code');
  git(repo, 'tag', 'old');
  write(repo, NEW);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'new code');
  const facts = join(root, 'facts');
  mkdirSync(facts);
  for (const [node, extra] of Object.entries(NODES)) {
    const values = { networking: { hostname: node, fqdn: `${node}.example.com` }, os: { family: 'Debian' }, ...extra };
    // One in Puppet's own shape and YAML, the rest plain JSON: both are read.
    if (node === 'app1') writeFileSync(join(facts, `${node}.yaml`), `name: ${node}\nvalues:\n  networking: {hostname: ${node}}\n  os: {family: Debian}\n  role: app\n`);
    else writeFileSync(join(facts, `${node}.json`), JSON.stringify(values));
  }
  return { root, repo, facts };
}

export function worktrees(repo: string): number {
  return git(repo, 'worktree', 'list').split('\n').length;
}
