// The host as providers see it: OS family, commands on PATH, init system.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Host } from './api.ts';

export function detectHost(osFamily?: string): Host {
  const path = (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat(['/usr/sbin', '/sbin']);
  const commands = new Map<string, boolean>();
  return {
    osFamily: osFamily ?? readOsFamily(),
    hasCommand(name: string) {
      let known = commands.get(name);
      if (known === undefined) {
        known = path.some((d) => {
          try {
            accessSync(join(d, name), constants.X_OK);
            return true;
          } catch {
            return false;
          }
        });
        commands.set(name, known);
      }
      return known;
    },
    initSystem: existsSync('/run/systemd/system') ? 'systemd' : readComm(),
    forget() {
      commands.clear();
    },
  };
}

function readComm(): string {
  try {
    return readFileSync('/proc/1/comm', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

function readOsFamily(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const id = /^ID=("?)([^"\n]*)\1/m.exec(text)?.[2] ?? '';
    const like = /^ID_LIKE=("?)([^"\n]*)\1/m.exec(text)?.[2] ?? '';
    if ([id, ...like.split(' ')].some((x) => x === 'debian' || x === 'ubuntu')) return 'Debian';
    if ([id, ...like.split(' ')].some((x) => ['rhel', 'fedora', 'centos'].includes(x))) return 'RedHat';
    return id ? id[0].toUpperCase() + id.slice(1) : 'Linux';
  } catch {
    return process.platform === 'darwin' ? 'Darwin' : 'Linux';
  }
}
