// Hooks written as Puppet code: a class name becomes a `kasper apply` of that class on this
// host, declared with the node's name; anything else stays a shell command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { puppetHookCommand } from '../src/index.ts';

const kasper = join(import.meta.dirname, '../../cli/bin/kasper.js');

test('a class name is applied with the node; a command stays a command', () => {
  assert.equal(puppetHookCommand('true', ['kasper', 'apply']), undefined);
  assert.equal(puppetHookCommand('/usr/local/bin/drain {node}', ['kasper', 'apply']), undefined);
  assert.equal(puppetHookCommand('drain', ['kasper', 'apply']), undefined, 'a plain word is a command');
  assert.equal(puppetHookCommand('haproxy::drain', ['/usr/bin/node', '/opt/kasper dir/kasper.js', 'apply']),
    "/usr/bin/node '/opt/kasper dir/kasper.js' apply -e 'class { '\\''haproxy::drain'\\'': node => '\\''{node}'\\'' }'");
});

test('the command it makes applies the class on this host, with node => the node\'s name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-puppet-hook-'));
  try {
    mkdirSync(join(dir, 'modules/lb/manifests'), { recursive: true });
    writeFileSync(join(dir, 'modules/lb/manifests/drain.pp'),
      `class lb::drain(String $node) {\n  file { '${dir}/drained': content => "\${node}\\n" }\n}\n`);
    const command = puppetHookCommand('lb::drain', [process.execPath, kasper, 'apply', '--confdir', join(dir, 'conf'), '--vardir', join(dir, 'var'), '--modulepath', join(dir, 'modules')])!;
    // As the rollout runs a hook: {node} replaced, through sh.
    execFileSync('sh', ['-c', command.replaceAll('{node}', 'web1.example.com')], { encoding: 'utf8' });
    assert.equal(readFileSync(join(dir, 'drained'), 'utf8'), 'web1.example.com\n');
    // A class that fails makes the hook fail (the node then fails, as with a command).
    writeFileSync(join(dir, 'modules/lb/manifests/broken.pp'), 'class lb::broken(String $node) { fail("cannot drain ${node}") }\n');
    const broken = puppetHookCommand('lb::broken', [process.execPath, kasper, 'apply', '--confdir', join(dir, 'conf'), '--vardir', join(dir, 'var'), '--modulepath', join(dir, 'modules')])!;
    assert.throws(() => execFileSync('sh', ['-c', broken.replaceAll('{node}', 'web1.example.com')], { stdio: 'pipe' }), /cannot drain web1\.example\.com/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
