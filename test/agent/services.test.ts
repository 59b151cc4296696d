// The service type against its providers. debian: a real init script (written by the test)
// starting and stopping a real daemon, boot links through update-rc.d. systemd: systemd does
// not run as PID 1 on these machines, so its commands and output parsing are checked on
// recorded systemctl results. The same behaviours are asked of both.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { apply, changedRefs, tempDir } from './apply-helpers.ts';
import { hasCommand, isRoot, needs } from '../support/host.ts';
import { RecordedExecutor, parseIsEnabled } from '../../packages/providers/src/index.ts';

const NAME = 'kasper-testd';
const SCRIPT = `/etc/init.d/${NAME}`;
const usable = isRoot && hasCommand('service') && hasCommand('update-rc.d') && hasCommand('start-stop-daemon');
const reason = 'the debian service provider test needs root, service, update-rc.d and start-stop-daemon';
const state = tempDir('kasper-svc-');

/** An LSB init script running a real daemon that counts its starts. */
function installScript(): void {
  writeFileSync(SCRIPT, `#!/bin/sh
### BEGIN INIT INFO
# Provides:          ${NAME}
# Required-Start:    $local_fs
# Required-Stop:     $local_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: Kasper test daemon
### END INIT INFO
PIDFILE=/run/${NAME}.pid
case "$1" in
  start)
    echo start >> ${state}/starts
    start-stop-daemon --start --quiet --background --make-pidfile --pidfile $PIDFILE --exec /bin/sleep -- 100000 ;;
  stop)
    start-stop-daemon --stop --quiet --pidfile $PIDFILE --retry 5 --oknodo; rm -f $PIDFILE ;;
  restart)
    $0 stop; $0 start ;;
  status)
    start-stop-daemon --status --pidfile $PIDFILE; exit $? ;;
  *) echo "usage: $0 start|stop|restart|status"; exit 2 ;;
esac
exit 0
`);
  chmodSync(SCRIPT, 0o755);
}

after(() => {
  if (!usable || !existsSync(SCRIPT)) return;
  try {
    execFileSync(SCRIPT, ['stop'], { stdio: 'ignore' });
    execFileSync('update-rc.d', ['-f', NAME, 'remove'], { stdio: 'ignore' });
  } catch { /* best effort */ }
  rmSync(SCRIPT, { force: true });
  rmSync(state, { recursive: true, force: true });
});

const running = () => {
  try {
    execFileSync(SCRIPT, ['status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const starts = () => (existsSync(`${state}/starts`) ? readFileSync(`${state}/starts`, 'utf8').split('\n').filter(Boolean).length : 0);

test('debian provider: starts, enables, restarts on refresh, stops and disables a real daemon', async (t) => {
  if (!needs(t, usable, reason)) return;
  installScript();
  const svc = (ensure: string, enable: string, extra = '') => `${extra}
    service { '${NAME}': ensure => ${ensure}, enable => ${enable}, provider => debian }`;
  const up = await apply(svc('running', 'true'));
  assert.deepEqual(changedRefs(up.report), [`Service[${NAME}]`], up.lines.join('\n'));
  assert.equal(running(), true);
  assert.ok(execFileSync('ls', ['/etc/rc2.d'], { encoding: 'utf8' }).includes(NAME));
  assert.deepEqual(changedRefs((await apply(svc('running', 'true'))).report), []);
  // A changed config file restarts it, once.
  const conf = `${state}/conf`;
  const withConf = (content: string) => svc('running', 'true', `file { '${conf}': content => '${content}', notify => Service['${NAME}'] }`);
  await apply(withConf('a'));
  const before = starts();
  const refreshed = await apply(withConf('b'));
  assert.match(refreshed.lines.join('\n'), /Triggered 'refresh' from 1 event/);
  assert.equal(starts(), before + 1);
  assert.equal(running(), true);
  const down = await apply(svc('stopped', 'false'));
  assert.deepEqual(changedRefs(down.report), [`Service[${NAME}]`]);
  assert.equal(running(), false);
  assert.ok(!/S\d\d/.test(execFileSync('sh', ['-c', `ls /etc/rc2.d | grep ${NAME} || true`], { encoding: 'utf8' })));
  assert.deepEqual(changedRefs((await apply(svc('stopped', 'false'))).report), []);
});

test('systemd provider: commands and state parsing, on recorded systemctl output', async () => {
  const exec = new RecordedExecutor()
    .on('systemctl is-enabled nginx.service', { exitCode: 1, stdout: 'disabled\n' })
    .on('systemctl is-active --quiet nginx.service', { exitCode: 3 })
    .on('systemctl enable nginx.service', { stdout: 'Created symlink /etc/systemd/system/multi-user.target.wants/nginx.service\n' })
    .on('systemctl start nginx.service', {});
  const { report } = await apply(`service { 'nginx': ensure => running, enable => true, provider => systemd }`, { exec });
  assert.equal(report.status, 'changed');
  assert.deepEqual(exec.calls.filter((c) => !c.includes('is-')), ['systemctl enable nginx.service', 'systemctl start nginx.service']);
  const events = report.resource_statuses['Service[nginx]'].events.map((e) => `${e.property}: ${e.previous_value} -> ${e.desired_value}`);
  assert.deepEqual(events, ['ensure: stopped -> running', 'enable: false -> true']);

  const converged = new RecordedExecutor()
    .on('systemctl is-enabled nginx.service', { stdout: 'enabled\n' })
    .on('systemctl is-active --quiet nginx.service', { exitCode: 0 });
  const again = await apply(`service { 'nginx': ensure => running, enable => true, provider => systemd }`, { exec: converged });
  assert.deepEqual(changedRefs(again.report), []);
  assert.deepEqual(converged.calls.filter((c) => !c.includes('is-')), []);

  const refresh = new RecordedExecutor()
    .on('systemctl is-enabled nginx.service', { stdout: 'enabled\n' })
    .on('systemctl is-active --quiet nginx.service', { exitCode: 0 })
    .on('systemctl restart nginx.service', {});
  const dir = tempDir();
  await apply(`file { '${dir}/site': content => 'x', notify => Service['nginx'] }
    service { 'nginx': ensure => running, provider => systemd }`, { exec: refresh, dir });
  assert.ok(refresh.calls.includes('systemctl restart nginx.service'));

  assert.equal(parseIsEnabled('static\n'), 'true');
  assert.equal(parseIsEnabled('masked\n'), 'mask');
  assert.equal(parseIsEnabled('disabled\n'), 'false');
});
