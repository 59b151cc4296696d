// dpkg's status file read in-process against dpkg-query itself, the oracle: every package on this
// machine, and a made-up status file of awkward paragraphs (held, config files left,
// half-installed with and without a version, Multi-Arch same on two architectures, foreign,
// epochs, continuation lines, a Description with ` .` lines, spaces around values, selections
// that dpkg-query does not list, no Description or Maintainer, which dpkg only warns about) read by `dpkg-query --admindir`. Files the reader must leave to
// dpkg-query make it answer undefined; the provider then runs dpkg-query as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, needs } from '../../../test/support/host.ts';
import { RecordedExecutor, SystemExecutor } from '../src/index.ts';
import { defaultAdmindir, formatDpkgEntries, parseDpkgStatus, readDpkgStatus } from '../src/dpkg-status.ts';
import { dpkgState } from '../src/providers/dpkg.ts';
import { context } from './fixtures.ts';

const FORMAT = '${Package}\\t${Version}\\t${db:Status-Abbrev}\\n';
const query = (admindir?: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync('dpkg-query', [...(admindir ? [`--admindir=${admindir}`] : []), '-W', '-f', FORMAT], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', ...env } });
const TRICKY = readFileSync(new URL('./fixtures/dpkg-status-tricky', import.meta.url), 'latin1');

function admindir(status: string, extra: (dir: string) => void = () => {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-dpkg-'));
  mkdirSync(join(dir, 'updates'));
  writeFileSync(join(dir, 'status'), status, 'latin1');
  extra(dir);
  return dir;
}

test('every package on this machine: the status file gives dpkg-query\'s lines, and the provider the same state', async (t) => {
  if (!needs(t, hasCommand('dpkg-query'), 'needs dpkg-query (a Debian host)')) return;
  const want = query();
  const got = readDpkgStatus('/var/lib/dpkg');
  assert.ok(got, 'this machine\'s status file is one the reader follows');
  assert.equal(formatDpkgEntries(got), want);
  assert.ok(got.length >= 100, `${got.length} packages`);
  // The provider: from the file with a local executor, from recorded dpkg-query output without.
  const system = new SystemExecutor();
  const local = await dpkgState(context(system as unknown as RecordedExecutor));
  assert.equal(system.history.length, 0, 'no command ran');
  const recorded = await dpkgState(context(new RecordedExecutor().on(/^dpkg-query -W -f /, { stdout: want })));
  assert.deepEqual([...local], [...recorded]);
});

test('awkward paragraphs: the same lines as dpkg-query --admindir on the same file', async (t) => {
  if (!needs(t, hasCommand('dpkg-query'), 'needs dpkg-query (a Debian host)')) return;
  const dir = admindir(TRICKY);
  try {
    const want = query(dir);
    const got = readDpkgStatus(dir);
    assert.ok(got, 'the reader follows the made-up file');
    assert.equal(formatDpkgEntries(got), want);
    assert.match(want, /^zz-held\t2:1\.0\.3-1\+deb12u1\thi $/m, 'the oracle saw the file');
    // $DPKG_ADMINDIR, which dpkg-query honours, is honoured by the provider too.
    const viaEnv = query(undefined, { DPKG_ADMINDIR: dir });
    assert.equal(viaEnv, want);
    const saved = process.env.DPKG_ADMINDIR;
    process.env.DPKG_ADMINDIR = dir;
    try {
      const system = new SystemExecutor();
      const local = await dpkgState(context(system as unknown as RecordedExecutor));
      assert.equal(system.history.length, 0, 'no command ran');
      const recorded = await dpkgState(context(new RecordedExecutor().on(/^dpkg-query -W -f /, { stdout: viaEnv })));
      assert.deepEqual([...local], [...recorded]);
      assert.equal(local.get('zz-held'), '2:1.0.3-1+deb12u1');
    } finally {
      if (saved === undefined) delete process.env.DPKG_ADMINDIR;
      else process.env.DPKG_ADMINDIR = saved;
    }
    assert.equal(defaultAdmindir({ DPKG_ROOT: '/srv/chroot' }), undefined, 'under $DPKG_ROOT: dpkg-query');
    assert.equal(defaultAdmindir({}), '/var/lib/dpkg');
    // An empty status file: no packages at all.
    const empty = admindir('');
    assert.equal(formatDpkgEntries(readDpkgStatus(empty)!), query(empty));
    rmSync(empty, { recursive: true });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('what the reader does not follow is left to dpkg-query', (t) => {
  if (!needs(t, hasCommand('dpkg-query'), 'needs dpkg-query (a Debian host)')) return;
  const para = (fields: string) => `Package: p\n${fields}\n`;
  const ok = 'Status: install ok installed\nMaintainer: m <m@example.org>\nArchitecture: amd64\nVersion: 1.0\nDescription: d\n';
  const plain = admindir(para(ok));
  assert.equal(formatDpkgEntries(readDpkgStatus(plain)!), query(plain), 'the plain paragraph is read');
  rmSync(plain, { recursive: true });
  const strange: Record<string, string> = {
    'a journal in updates/': '',
    'triggers not yet incorporated': '',
    'field name in another case': para(ok.replace('Version:', 'version:')),
    'space before the colon': para(ok.replace('Version:', 'Version :')),
    'a continued version': para(ok.replace('Version: 1.0', 'Version: 1.0\n 2')),
    'a blank continuation line': para(ok.replace('Description: d', 'Description: d\n \t')),
    'a field twice': para(`${ok}Version: 2.0`),
    'carriage returns': para(ok.replace(/\n/g, '\r\n')),
    'no final newline': para(ok).replace(/\n+$/, ''),
    'zero epoch (dpkg-query drops it)': para(ok.replace('1.0', '0:1.0')),
    'triggers pending': para(ok.replace('installed', 'triggers-pending') + 'Triggers-Pending: t'),
    'an unknown status word': para(ok.replace('installed', 'installing')),
    'no architecture': para(ok.replace('Architecture: amd64\n', '')),
    'one name twice, not Multi-Arch: same': `${para(ok)}\n${para(ok.replace('amd64', 'i386'))}`,
    'a line without a colon': para(`${ok}garbage`),
    'a paragraph opened by a continuation': ` x\n${para(ok)}`,
  };
  for (const [what, text] of Object.entries(strange)) {
    if (what === 'a journal in updates/' || what === 'triggers not yet incorporated') {
      const dir = admindir(para(ok), (d) => {
        if (what === 'a journal in updates/') writeFileSync(join(d, 'updates', '0000'), para(ok.replace('1.0', '2.0')));
        else { mkdirSync(join(d, 'triggers')); writeFileSync(join(d, 'triggers', 'Unincorp'), 'x p\n'); }
      });
      assert.equal(readDpkgStatus(dir), undefined, what);
      rmSync(dir, { recursive: true });
    } else {
      assert.equal(parseDpkgStatus(text), undefined, what);
    }
  }
  // The journal's answer is dpkg-query's: the reader stepped aside for a reason.
  const dir = admindir(para(ok), (d) => writeFileSync(join(d, 'updates', '0000'), para(ok.replace('1.0', '2.0'))));
  assert.equal(query(dir), 'p\t2.0\tii \n');
  rmSync(dir, { recursive: true });
  assert.equal(readDpkgStatus('/nonexistent/dpkg'), undefined, 'an unreadable file');
});
