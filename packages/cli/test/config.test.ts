// `kasper config print`: the settings every command resolves, printed as `puppet config print`
// does; flags win over kasper.conf, the section over [main], kasper.conf over defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run.ts';

test('config print shows effective settings: flags > kasper.conf ([section], then [main]) > defaults', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-config-'));
  writeFileSync(join(dir, 'kasper.conf'), `# an agent's kasper.conf
server = master.example.com
vardir = ${dir}/var
[agent]
runinterval = 300
[master]
port = 8141
`);
  const agent = await run('config', 'print', '--confdir', dir, '--section', 'agent');
  assert.equal(agent.code, 0, agent.err);
  const lines = agent.out.trim().split('\n');
  assert.deepEqual(lines.map((l) => l.split(' = ')[0]), [...lines.map((l) => l.split(' = ')[0])].sort());
  for (const l of ['server = master.example.com', 'runinterval = 300', 'port = 8140', 'splay = 0', `vardir = ${dir}/var`,
    `logdest = ${dir}/var/log/kasper.log`, `confdir = ${dir}`, 'environment = production', 'noop = false']) {
    assert.ok(lines.includes(l), `${l} in\n${agent.out}`);
  }
  assert.ok(!lines.some((l) => l.startsWith('bind = ')), "the master's settings are not in the agent's section");

  // One name: the bare value. A flag wins over everything.
  assert.equal((await run('config', 'print', 'port', '--confdir', dir, '--section', 'master')).out, '8141\n');
  assert.equal((await run('config', 'print', 'server', '--confdir', dir, '--server', 'other')).out, 'other\n');
  assert.equal((await run('config', 'print', 'runinterval', '--confdir', dir)).out, '1800\n', '[agent] is not [main]');
  const two = await run('config', 'print', 'server', 'storage', '--confdir', dir, '--section', 'master');
  assert.equal(two.out, `server = master.example.com\nstorage = ${dir}/var/kasper.db\n`);

  const unknown = await run('config', 'print', 'nosuch', '--confdir', dir);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.err, "kasper config: error: unknown setting 'nosuch' [KSP-SETTINGS-005]\n");
  writeFileSync(join(dir, 'kasper.conf'), 'port = many\n');
  const bad = await run('config', 'print', 'port', '--confdir', dir);
  assert.equal(bad.code, 1);
  assert.equal(bad.err, "kasper config: error: kasper.conf [main]: port must be a whole number, not 'many' [KSP-SETTINGS-004]\n");
  // A line kasper.conf cannot read is shown where it is, with a caret.
  writeFileSync(join(dir, 'kasper.conf'), '# ports\n  port: 8140\n');
  const malformed = await run('config', 'print', 'port', '--confdir', dir);
  assert.equal(malformed.code, 1);
  assert.equal(malformed.err, [
    `${dir}/kasper.conf:2:3: error: expected 'key = value' or '[section]', found 'port: 8140' [KSP-SETTINGS-002]`,
    '2 |   port: 8140',
    '      ^~~~~~~~~~',
    '',
  ].join('\n'));
});

test('kasper apply reads its settings from kasper.conf too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-config-'));
  writeFileSync(join(dir, 'kasper.conf'), `[user]\nnoop = true\nvardir = ${dir}/var\n`);
  const r = await run('apply', '--confdir', dir, '-e', `file { '${dir}/x': content => 'x' }`);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /\(noop\)/);
  assert.match(r.out, /1 would change \(noop\)/);
});
