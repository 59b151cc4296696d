// Services under systemd, through systemctl. Chosen when systemd runs as PID 1.
import { asBool, type Provider } from '../api.ts';
import { control, status } from './service-common.ts';
import { runChecked } from '../executor.ts';

/** `foo` → `foo.service`; names with a unit suffix stay as they are. */
export function unitName(name: string): string {
  return /\.(service|socket|timer|target|mount|path|slice|scope)$/.test(name) ? name : `${name}.service`;
}

/** `systemctl is-enabled` prints enabled, enabled-runtime, static, indirect, alias, disabled, masked … */
export function parseIsEnabled(stdout: string): 'true' | 'false' | 'mask' {
  const s = stdout.trim().split('\n')[0];
  if (s === 'masked' || s === 'masked-runtime') return 'mask';
  return ['enabled', 'enabled-runtime', 'static', 'indirect', 'alias', 'generated'].includes(s) ? 'true' : 'false';
}

export const serviceSystemd: Provider = {
  name: 'systemd',
  type: 'service',
  suitable: (host) => host.hasCommand('systemctl'),
  isDefault: (host) => host.initSystem === 'systemd',
  async retrieve(r, ctx) {
    const unit = unitName(r.name);
    const enabled = await ctx.exec.run('systemctl', ['is-enabled', unit]);
    return {
      ensure: await status(r, ['systemctl', ['is-active', '--quiet', unit]], ctx),
      enable: parseIsEnabled(enabled.stdout),
    };
  },
  async sync(r, changes, ctx) {
    const unit = unitName(r.name);
    // Enablement first: `enable => true, ensure => running` works on a fresh unit.
    for (const c of changes.filter((x) => x.property === 'enable')) {
      const v = String(c.should);
      if (v === 'mask') await runChecked(ctx.exec, 'systemctl', ['mask', unit]);
      else {
        if (String(c.is) === 'mask') await runChecked(ctx.exec, 'systemctl', ['unmask', unit]);
        await runChecked(ctx.exec, 'systemctl', [v === 'true' ? 'enable' : 'disable', unit]);
      }
    }
    for (const c of changes.filter((x) => x.property === 'ensure')) {
      if (c.should === 'running') await control(r, 'start', ['systemctl', ['start', unit]], ctx);
      else await control(r, 'stop', ['systemctl', ['stop', unit]], ctx);
    }
  },
  async refresh(r, ctx) {
    const unit = unitName(r.name);
    if ((await status(r, ['systemctl', ['is-active', '--quiet', unit]], ctx)) !== 'running') return;
    if (asBool(r.params.hasrestart, true) || r.params.restart) await control(r, 'restart', ['systemctl', ['restart', unit]], ctx);
    else {
      await control(r, 'stop', ['systemctl', ['stop', unit]], ctx);
      await control(r, 'start', ['systemctl', ['start', unit]], ctx);
    }
  },
};
