// The push diff over the transport docs/deploy.md sets up: an account whose login shell is
// git-shell, not root, running the hooks. sshd's part — authenticate, then run the account's
// login shell with the client's command in a clean environment — is done by the GIT_SSH_COMMAND
// script below (runuser + git-shell -c), so no sshd is needed; from git-shell on, everything is
// what an SSH push runs: receive-pack, the hooks as that account, its files. The master's
// SQLite storage is readable by its owner only, so the account is the master's (it owns the
// storage); when it is not, the push diff says why and the gate refuses the push.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openStorage } from '@kasper/storage';
import { hasCommand, isRoot, needs } from '../support/host.ts';

const KASPER = join(import.meta.dirname, '../../packages/cli/bin/kasper.js');
const ENV = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1' };
const USER = `kspush${process.pid}`;
let root: string | undefined;
let created = false;

after(() => {
  if (created) spawnSync('userdel', [USER], { stdio: 'ignore' });
  if (root) rmSync(root, { recursive: true, force: true });
});

test('a push over git-shell as the master\'s own account: diffed, deployed, its files that account\'s; an account that cannot read the storage is refused with the reason', async (t) => {
  if (!needs(t, isRoot && hasCommand('git-shell') && hasCommand('runuser') && hasCommand('useradd'), 'needs root, git-shell, runuser and useradd (to make the code account)')) return;
  root = mkdtempSync(join(tmpdir(), 'kasper-git-shell-'));
  chmodSync(root, 0o755);
  const home = join(root, 'home');
  execFileSync('useradd', ['--system', '--home-dir', home, '--create-home', '--shell', '/usr/bin/git-shell', USER]);
  created = true;
  const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }));
  const runuser = execFileSync('sh', ['-c', 'command -v runuser'], { encoding: 'utf8' }).trim();

  // The master's storage, made as the master makes it (mode 0600), owned by the account.
  const vardir = join(root, 'var');
  mkdirSync(vardir);
  const db = openStorage(join(vardir, 'kasper.db'));
  await db.init();
  for (const n of ['web1.example.com', 'web2.example.com']) await db.saveFacts(n, { role: 'web' }, 'production');
  await db.close();
  const own = (owner: number, group: number) => { for (const p of [vardir, join(vardir, 'kasper.db')]) chownSync(p, owner, group); };
  own(uid, gid);
  const confdir = join(root, 'conf');
  mkdirSync(confdir);
  writeFileSync(join(confdir, 'kasper.conf'), `storage = ${join(vardir, 'kasper.db')}\n`);
  const codedir = join(root, 'code');
  const envpath = join(root, 'environments');
  for (const d of [codedir, envpath]) {
    mkdirSync(d);
    chownSync(d, uid, gid);
  }
  const init = spawnSync(runuser, ['-u', USER, '--', process.execPath, KASPER, 'code', 'init', '--codedir', codedir, '--environmentpath', envpath, '--confdir', confdir], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: home } });
  assert.equal(init.status, 0, init.stderr);

  // sshd's part: the account's login shell (git-shell) runs the client's command, as the account.
  const ssh = join(root, 'ssh');
  writeFileSync(ssh, `#!/bin/sh\nexec env -i HOME=${home} PATH=/usr/bin:/bin LOGNAME=${USER} ${runuser} -u ${USER} -- /usr/bin/git-shell -c "$2"\n`);
  chmodSync(ssh, 0o755);
  const work = join(root, 'work');
  execFileSync('git', ['init', '-q', '-b', 'production', work], { env: ENV });
  const url = `ssh://${USER}@localhost${codedir}/repo.git`;
  const push = (site: string) => {
    mkdirSync(join(work, 'manifests'), { recursive: true });
    writeFileSync(join(work, 'manifests/site.pp'), site);
    execFileSync('git', ['-C', work, 'add', '-A'], { env: ENV });
    execFileSync('git', ['-C', work, 'commit', '-qm', site], { env: ENV });
    const r = spawnSync('git', ['-C', work, 'push', url, 'production'], { env: { ...ENV, GIT_SSH_COMMAND: ssh, GIT_SSH_VARIANT: 'simple' }, encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };

  let r = push("file { '/etc/motd': content => 'one' }\n");
  assert.equal(r.status, 0, r.out);
  r = push("file { '/etc/motd': content => 'two' }\n");
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /remote: kasper: {3}2 nodes: 2 changed, 0 unchanged; resources over all nodes: 2 changed/);
  assert.match(r.out, /remote: kasper: {7}~ File\[\/etc\/motd\] \(content\)/);
  assert.match(r.out, /remote: kasper: environment production deployed at [0-9a-f]{12}/);
  const deployed = readlinkSync(join(envpath, 'production'));
  // What the hooks wrote is the account's.
  assert.equal(statSync(join(envpath, deployed)).uid, uid);
  const [, html] = /full report: kasper report diff \S+ {2}\((\S+)\)/.exec(r.out)!;
  assert.equal(statSync(html).uid, uid);
  assert.match(readFileSync(html, 'utf8'), /File\[\/etc\/motd\]/);

  // The storage owned by another account (root, 0600): the diff cannot read it; the gate refuses.
  own(0, 0);
  r = push("file { '/etc/motd': content => 'three' }\n");
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.out, new RegExp(`the push diff cannot read the nodes' facts from the master's storage as user ${USER}: EACCES[^\\n]*\\[KSP-DEPLOY-011\\]`));
  assert.equal(readlinkSync(join(envpath, 'production')), deployed);
});
