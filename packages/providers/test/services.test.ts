// Services on a recording executor (systemd does not run as PID 1 on test machines): state
// from systemctl, custom commands and a process search; enablement before start; refresh only
// restarts what runs; SysV boot links from /etc/rcN.d.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordedExecutor, parseIsEnabled, unitName, type Change } from '../src/index.ts';
import { serviceSystemd } from '../src/providers/service-systemd.ts';
import { enabledAtBoot, serviceDebian } from '../src/providers/service-debian.ts';
import { status } from '../src/providers/service-common.ts';
import { assertRaises, context, res, tempDir } from './fixtures.ts';

const change = (property: string, is: unknown, should: unknown): Change => ({ property, is, should, message: '' });

test('systemctl is-enabled answers, and unit names', () => {
  for (const s of ['enabled', 'enabled-runtime', 'static', 'indirect', 'alias', 'generated']) assert.equal(parseIsEnabled(`${s}\n`), 'true', s);
  for (const s of ['disabled', 'linked', 'transient', '', 'Failed to get unit file state']) assert.equal(parseIsEnabled(s), 'false', s);
  assert.equal(parseIsEnabled('masked\n'), 'mask');
  assert.equal(parseIsEnabled('masked-runtime'), 'mask');
  assert.equal(unitName('nginx'), 'nginx.service');
  assert.equal(unitName('fstrim.timer'), 'fstrim.timer');
  assert.equal(unitName('php8.2-fpm'), 'php8.2-fpm.service');
});

test('state: systemctl is-active, a custom status command, or a process search without status', async () => {
  const exec = new RecordedExecutor()
    .on('systemctl is-active --quiet nginx.service', { exitCode: 0 })
    .on('systemctl is-enabled nginx.service', { stdout: 'disabled\n' })
    .on('/usr/local/bin/check web', { exitCode: 3 })
    .on('ps -eo args=', { stdout: '/sbin/init\n/usr/sbin/mydaemon -f\n' });
  const ctx = context(exec);
  assert.deepEqual(await serviceSystemd.retrieve(res('service', 'nginx'), ctx), { ensure: 'running', enable: 'false' });
  assert.equal(await status(res('service', 'web', { status: '/usr/local/bin/check web' }), ['systemctl', ['is-active', 'web']], ctx), 'stopped');
  assert.equal(await status(res('service', 'mydaemon', { hasstatus: false }), ['systemctl', ['is-active', 'mydaemon']], ctx), 'running');
  assert.equal(await status(res('service', 'x', { hasstatus: false, pattern: 'nothing-like-it' }), null, ctx), 'stopped');
  assert.ok(!exec.calls.includes('systemctl is-active mydaemon'), 'hasstatus => false: no status command');
});

test('systemd: enablement before start, unmask before enable', async () => {
  const exec = new RecordedExecutor().on(/^systemctl /, {});
  await serviceSystemd.sync(res('service', 'nginx'), [change('ensure', 'stopped', 'running'), change('enable', 'mask', 'true')], context(exec));
  assert.deepEqual(exec.calls, ['systemctl unmask nginx.service', 'systemctl enable nginx.service', 'systemctl start nginx.service']);
});

test('refresh restarts a running service only, with its own restart command when it has one', async () => {
  const running = new RecordedExecutor().on('systemctl is-active --quiet nginx.service', { exitCode: 0 }).on(/^\/usr\/sbin\/nginx /, {});
  await serviceSystemd.refresh!(res('service', 'nginx', { restart: '/usr/sbin/nginx -s reload' }), context(running));
  assert.deepEqual(running.calls, ['systemctl is-active --quiet nginx.service', '/usr/sbin/nginx -s reload']);
  const stopped = new RecordedExecutor().on('systemctl is-active --quiet nginx.service', { exitCode: 3 });
  await serviceSystemd.refresh!(res('service', 'nginx'), context(stopped));
  assert.deepEqual(stopped.calls, ['systemctl is-active --quiet nginx.service']);
  const norestart = new RecordedExecutor().on(/^systemctl /, {});
  await serviceSystemd.refresh!(res('service', 'app', { hasrestart: false }), context(norestart));
  assert.deepEqual(norestart.calls.slice(1), ['systemctl stop app.service', 'systemctl start app.service']);
});

test('a failing start is an error naming the resource and the command', async () => {
  const custom = new RecordedExecutor().on("/etc/init.d/app start", { exitCode: 1 });
  await assertRaises(() => serviceSystemd.sync(res('service', 'app', { start: "/etc/init.d/app 'start'" }), [change('ensure', 'stopped', 'running')], context(custom)),
    'KSP-PROVIDERS-026', "Could not start Service[app]: Execution of '/etc/init.d/app 'start'' returned 1");
  const plain = new RecordedExecutor().on('systemctl start app.service', { exitCode: 5, stderr: 'Failed to start app.service: Unit app.service not found.\n' });
  await assertRaises(() => serviceSystemd.sync(res('service', 'app'), [change('ensure', 'stopped', 'running')], context(plain)),
    'KSP-PROVIDERS-029', "Execution of 'systemctl start app.service' returned 5: Failed to start app.service: Unit app.service not found.");
});

test('debian: boot links read from /etc/rcN.d, changed with update-rc.d', async () => {
  const root = tempDir();
  for (const l of ['rc2.d', 'rc3.d', 'rcS.d']) mkdirSync(join(root, l));
  writeFileSync(join(root, 'rc2.d', 'S01ssh'), '');
  writeFileSync(join(root, 'rc3.d', 'K01cron'), '');
  writeFileSync(join(root, 'rcS.d', 'S20my.svc'), '');
  assert.equal(enabledAtBoot('ssh', root), true);
  assert.equal(enabledAtBoot('cron', root), false, 'a K link stops it');
  assert.equal(enabledAtBoot('my.svc', root), true);
  assert.equal(enabledAtBoot('myXsvc', root), false, 'the name is matched literally');
  const exec = new RecordedExecutor().on(/^(service|update-rc\.d) /, {});
  await serviceDebian.sync(res('service', 'ssh'), [change('ensure', 'running', 'stopped'), change('enable', 'false', 'true')], context(exec));
  assert.deepEqual(exec.calls, ['service ssh stop', 'update-rc.d ssh defaults', 'update-rc.d ssh enable']);
});
