// The firewall types against every provider (nftables, iptables), for real, inside a network
// namespace the test creates, so the host's own rules are never touched. The same behaviours
// are asked of both providers: add rules in name order, idempotence, change, removal, purge.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { apply, changedRefs } from './apply-helpers.ts';
import { ensureCommands, hasCommand, isRoot, needs } from '../support/host.ts';
import { SystemExecutor, type CommandResult, type Executor, type RunOptions } from '../../packages/providers/src/index.ts';

const NS = `kasper-fw-${process.pid}`;
let reason: string | null = isRoot ? null : 'firewall tests need root (network namespaces, nftables, iptables)';

/** Runs every command inside the test's network namespace. */
class NetnsExecutor implements Executor {
  private readonly inner = new SystemExecutor();
  readonly calls: string[] = [];
  run(command: string, args: string[], options?: RunOptions): Promise<CommandResult> {
    this.calls.push([command, ...args].join(' '));
    return this.inner.run('ip', ['netns', 'exec', NS, command, ...args], options);
  }
}

before(() => {
  if (reason) return;
  reason = ensureCommands({ nft: 'nftables', iptables: 'iptables', ip: 'iproute2' });
  if (reason) return;
  try {
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (e) {
    reason = `cannot create a network namespace: ${(e as Error).message}`;
  }
});

after(() => {
  if (hasCommand('ip')) try { execFileSync('ip', ['netns', 'del', NS], { stdio: 'ignore' }); } catch { /* gone */ }
});

const inNs = (...cmd: string[]) => execFileSync('ip', ['netns', 'exec', NS, ...cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const providers = [
  {
    name: 'nftables',
    rules: () => {
      try {
        return inNs('nft', 'list', 'chain', 'inet', 'kasper', 'input').split('\n').filter((l) => l.includes('comment')).map((l) => l.trim());
      } catch {
        return [];
      }
    },
    addForeign: () => inNs('nft', 'add', 'rule', 'inet', 'kasper', 'input', 'tcp', 'dport', '9999', 'drop'),
    reset: () => { try { inNs('nft', 'delete', 'table', 'inet', 'kasper'); } catch { /* none */ } },
  },
  {
    name: 'iptables',
    rules: () => inNs('iptables', '-S', 'INPUT').split('\n').filter((l) => l.startsWith('-A')),
    addForeign: () => inNs('iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '9999', '-j', 'DROP'),
    reset: () => { inNs('iptables', '-F', 'INPUT'); },
  },
];

for (const p of providers) {
  describe(`firewall provider ${p.name}`, () => {
    const rules = (extra = '') => `
      firewall { '200 allow http': proto => tcp, dport => [80, 443], action => accept, provider => ${p.name} }
      firewall { '100 allow ssh from admins': proto => tcp, dport => 22, source => '10.0.0.0/8', state => ['NEW', 'ESTABLISHED'], action => accept, provider => ${p.name} }
      firewall { '900 drop the rest': iniface => 'lo', action => drop, provider => ${p.name} }
      ${extra}`;

    test('adds rules in name order and is idempotent', async (t) => {
      if (!needs(t, reason === null, reason ?? '')) return;
      p.reset();
      const exec = new NetnsExecutor();
      const first = await apply(rules(), { exec });
      assert.equal(first.report.status, 'changed', first.lines.join('\n'));
      const names = p.rules().map((l) => /"(\d+ [^"[]+?) \[kasper/.exec(l)?.[1]);
      assert.deepEqual(names, ['100 allow ssh from admins', '200 allow http', '900 drop the rest']);
      const ssh = p.rules()[0];
      assert.match(ssh, /10\.0\.0\.0\/8/);
      assert.match(ssh, /22/);
      assert.match(ssh.toLowerCase(), /established/);
      const again = await apply(rules(), { exec: new NetnsExecutor() });
      assert.deepEqual(changedRefs(again.report), [], again.lines.join('\n'));
    });

    test('changes a rule in place, removes one, and purges what Kasper does not manage', async (t) => {
      if (!needs(t, reason === null, reason ?? '')) return;
      p.reset();
      await apply(rules(), { exec: new NetnsExecutor() });
      const changed = await apply(rules().replace('dport => [80, 443]', 'dport => [8080]'), { exec: new NetnsExecutor() });
      assert.deepEqual(changedRefs(changed.report), ['Firewall[200 allow http]']);
      assert.match(p.rules()[1], /8080/);
      assert.equal(p.rules().length, 3);
      const removed = await apply(`firewall { '200 allow http': ensure => absent, provider => ${p.name} }`, { exec: new NetnsExecutor() });
      assert.deepEqual(changedRefs(removed.report), ['Firewall[200 allow http]']);
      assert.equal(p.rules().length, 2);
      p.addForeign();
      const purge = `firewallchain { 'INPUT:filter:IPv4': purge => true, provider => ${p.name} }`;
      const purged = await apply(rules(purge), { exec: new NetnsExecutor() });
      assert.ok(changedRefs(purged.report).includes('Firewallchain[INPUT:filter:IPv4]'), purged.lines.join('\n'));
      assert.equal(p.rules().some((l) => l.includes('9999')), false);
      assert.equal(p.rules().length, 3);
      assert.deepEqual(changedRefs((await apply(rules(purge), { exec: new NetnsExecutor() })).report), []);
    });
  });
}

test('invalid rules are clear errors', async (t) => {
  if (!needs(t, reason === null, reason ?? '')) return;
  const bad = await apply(`firewall { 'no number': action => accept }
    firewall { '100 x': dport => 22, action => accept }`, { exec: new NetnsExecutor() });
  const errors = bad.report.logs.filter((l) => l.level === 'err').map((l) => l.message);
  assert.ok(errors.some((m) => /begins with a number/.test(m)));
  assert.ok(errors.some((m) => /dport needs proto/.test(m)));
});
