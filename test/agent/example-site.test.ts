// The README's main-job command on this machine: the example site compiles for this host and
// applies in noop mode without a failure and without changing anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../packages/cli/src/main.ts';
import { captureOutput } from '../../packages/cli/src/output.ts';
import { ensureCommands, hasCommand, isRoot, needs } from '../support/host.ts';

const root = join(import.meta.dirname, '../..');

test('npx kasper apply --noop manifests/site.pp: plans the example site and changes nothing', async (t) => {
  const reason = ensureCommands({ nft: 'nftables' });
  if (!needs(t, reason === null, reason ?? '')) return;
  const motd = (() => { try { return statSync('/etc/motd').mtimeMs; } catch { return 0; } })();
  const out = captureOutput();
  const vardir = mkdtempSync(join(tmpdir(), 'kasper-example-'));
  const code = await main(['apply', '--noop', join(root, 'manifests/site.pp'), '--vardir', vardir, '--report', join(vardir, 'r.json')], out);
  assert.equal(code, 0, out.err + out.out);
  assert.equal(out.err, '');
  const report = JSON.parse(readFileSync(join(vardir, 'r.json'), 'utf8'));
  assert.equal(report.noop, true);
  assert.notEqual(report.status, 'failed');
  assert.ok(Object.keys(report.resource_statuses).includes('File[/etc/ssh/sshd_config.d/kasper.conf]'));
  assert.ok(Object.keys(report.resource_statuses).some((r) => r.startsWith('Firewall[')));
  assert.ok(Object.values(report.resource_statuses).every((s) => !(s as { changed: boolean }).changed));
  assert.equal((() => { try { return statSync('/etc/motd').mtimeMs; } catch { return 0; } })(), motd);
});

test('on a fresh machine (no nftables yet) the same command ends without an error: the rules wait for the package', async (t) => {
  if (!needs(t, isRoot && hasCommand('unshare'), 'needs root and unshare for a mount namespace')) return;
  const vardir = mkdtempSync(join(tmpdir(), 'kasper-example-fresh-'));
  const kasper = join(root, 'node_modules/.bin/kasper');
  let out: string;
  try {
    out = execFileSync('unshare', ['-m', join(root, 'test/agent/fresh-machine.sh'), kasper, 'apply', '--noop', join(root, 'manifests/site.pp'), '--vardir', vardir,
      '--report', join(vardir, 'r.json')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; status?: number };
    assert.fail(`exit ${err.status}: ${err.stderr}${err.stdout}`);
  }
  const report = JSON.parse(readFileSync(join(vardir, 'r.json'), 'utf8'));
  assert.notEqual(report.status, 'failed', out);
  assert.match(out, /Package\[nftables\]\/ensure: current_value '(purged|absent)', should be 'installed' \(noop\)/);
  assert.match(out, /Firewall\[999 drop everything else\]: Would be managed by firewall provider nftables once Package\[nftables\] is installed \(it needs nft/);
  assert.doesNotMatch(out, /^Error/m);
});
