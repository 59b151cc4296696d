// Services on Debian hosts without systemd: SysV init scripts through `service`, boot links
// through update-rc.d (what Puppet's debian provider does).
import { readdirSync } from 'node:fs';
import { asBool, type Provider } from '../api.ts';
import { runChecked } from '../executor.ts';
import { control, status } from './service-common.ts';

/** Whether an init script is linked to start in any runlevel (an S link in /etc/rcN.d). */
export function enabledAtBoot(name: string, root = '/etc'): boolean {
  for (const level of ['2', '3', '4', '5', 'S']) {
    try {
      if (readdirSync(`${root}/rc${level}.d`).some((f) => f === `S01${name}` || new RegExp(`^S\\d\\d${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).test(f))) return true;
    } catch {
      // no such runlevel folder
    }
  }
  return false;
}

export const serviceDebian: Provider = {
  name: 'debian',
  type: 'service',
  suitable: (host) => host.osFamily === 'Debian' && host.hasCommand('service') && host.hasCommand('update-rc.d'),
  isDefault: (host) => host.osFamily === 'Debian' && host.initSystem !== 'systemd',
  async retrieve(r, ctx) {
    return {
      ensure: await status(r, ['service', [r.name, 'status']], ctx),
      enable: String(enabledAtBoot(r.name)),
    };
  },
  async sync(r, changes, ctx) {
    for (const c of changes) {
      if (c.property === 'ensure') {
        if (c.should === 'running') await control(r, 'start', ['service', [r.name, 'start']], ctx);
        else await control(r, 'stop', ['service', [r.name, 'stop']], ctx);
      } else if (c.property === 'enable') {
        if (String(c.should) === 'true') {
          await runChecked(ctx.exec, 'update-rc.d', [r.name, 'defaults']);
          await runChecked(ctx.exec, 'update-rc.d', [r.name, 'enable']);
        } else {
          await runChecked(ctx.exec, 'update-rc.d', [r.name, 'disable']);
        }
      }
    }
  },
  async refresh(r, ctx) {
    // Restart only what runs (or should): a stopped service stays stopped.
    if ((await status(r, ['service', [r.name, 'status']], ctx)) !== 'running') return;
    if (asBool(r.params.hasrestart, true) || r.params.restart) await control(r, 'restart', ['service', [r.name, 'restart']], ctx);
    else {
      await control(r, 'stop', ['service', [r.name, 'stop']], ctx);
      await control(r, 'start', ['service', [r.name, 'start']], ctx);
    }
  },
};
