// Every Puppet module Debian packages (puppet-module-*), installed where apt puts them. The
// small corpus of test/support/module-corpus.ts serves most tests; these are for counting what
// loads across all of them.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand, isRoot } from '../../../../test/support/host.ts';
import { DEBIAN_MODULEPATH } from '../../../../test/support/module-corpus.ts';

function installedCount(): number {
  try {
    return readdirSync(DEBIAN_MODULEPATH).filter((m) => existsSync(join(DEBIAN_MODULEPATH, m, 'metadata.json'))).length;
  } catch {
    return 0;
  }
}

/**
 * /usr/share/puppet/modules with every Debian module package installed (as root, installing
 * them with apt-get when some are missing), or a reason why not.
 */
export function debianModules(): { dir: string } | { reason: string } {
  if (!hasCommand('apt-cache')) return { reason: 'the Debian modules need apt (Debian)' };
  const names = execFileSync('apt-cache', ['search', '--names-only', '^puppet-module-'], { encoding: 'utf8' })
    .split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
  if (names.length === 0) return { reason: 'apt knows no puppet-module-* package' };
  const missing = names.filter((n) => {
    try {
      return !execFileSync('dpkg-query', ['-W', '-f', '${Status}', n], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed');
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    if (!isRoot) return { reason: `${missing.length} of the ${names.length} puppet-module-* packages are not installed, and installing them needs root` };
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      execFileSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: 'pipe', env });
    } catch {
      try {
        execFileSync('apt-get', ['update', '-qq'], { stdio: 'pipe' });
        execFileSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: 'pipe', env });
      } catch (e) {
        return { reason: `could not install the puppet-module-* packages: ${(e as Error).message}` };
      }
    }
  }
  return installedCount() > 0 ? { dir: DEBIAN_MODULEPATH } : { reason: `nothing in ${DEBIAN_MODULEPATH} after installing` };
}

/** The files under each module's `sub` folder (lib/puppet/type, lib/facter...) ending in .rb. */
export function moduleFiles(modulepath: string, sub: string, recursive = false): string[] {
  const out: string[] = [];
  for (const m of readdirSync(modulepath).sort()) {
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = join(dir, e.name);
        if (e.isDirectory() && recursive) walk(p);
        else if (e.name.endsWith('.rb') && !e.isDirectory()) out.push(p);
      }
    };
    walk(join(modulepath, m, sub));
  }
  return out;
}
