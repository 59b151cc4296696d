// The Debian-packaged Puppet modules the parser must read: found where apt installs them, in a
// folder named by KASPER_MODULE_CORPUS, or fetched as .deb files and unpacked (no install, no
// Puppet needed) into a cache folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, isRoot } from './host.ts';

export const CORPUS_PACKAGES = [
  'puppet-module-puppetlabs-stdlib', 'puppet-module-puppetlabs-concat', 'puppet-module-puppetlabs-ntp',
  'puppet-module-puppetlabs-apt', 'puppet-module-puppetlabs-inifile', 'puppet-module-puppetlabs-firewall',
  'puppet-module-puppetlabs-translate', 'puppet-module-puppetlabs-xinetd',
];
/** The module folder each package installs under modules.available. */
export const CORPUS_MODULES = ['stdlib', 'concat', 'ntp', 'apt', 'inifile', 'firewall', 'translate', 'xinetd']
  .map((m) => `puppetlabs-${m}`);

const INSTALLED = '/usr/share/puppet/modules.available';
const CACHE = join(tmpdir(), 'kasper-module-corpus');

function complete(dir: string): boolean {
  return existsSync(dir) && CORPUS_MODULES.every((m) => existsSync(join(dir, m)));
}

/**
 * The folder holding all corpus modules, or a reason why there is none. Downloads need Debian's
 * apt (package lists are refreshed first when running as root).
 */
export function moduleCorpus(): { dir: string } | { reason: string } {
  const override = process.env.KASPER_MODULE_CORPUS;
  if (override) return existsSync(override) ? { dir: override } : { reason: `KASPER_MODULE_CORPUS=${override} does not exist` };
  if (complete(INSTALLED)) return { dir: INSTALLED };
  const unpacked = join(CACHE, 'usr/share/puppet/modules.available');
  if (complete(unpacked)) return { dir: unpacked };
  if (!hasCommand('apt-get') || !hasCommand('dpkg-deb')) return { reason: 'the module corpus needs Debian packages (apt-get, dpkg-deb)' };
  // Tests run in parallel processes: each unpacks into its own folder and renames it into place,
  // so none ever reads a half-unpacked cache.
  const work = `${CACHE}.${process.pid}`;
  const debs = join(work, 'debs');
  mkdirSync(debs, { recursive: true });
  const download = () => execFileSync('apt-get', ['download', ...CORPUS_PACKAGES], { cwd: debs, stdio: 'pipe' });
  try {
    try {
      download();
    } catch (first) {
      if (!isRoot) return { reason: `apt-get download failed and package lists cannot be refreshed without root: ${(first as Error).message}` };
      try {
        execFileSync('apt-get', ['update', '-qq'], { stdio: 'pipe' });
        download();
      } catch (e) {
        return { reason: `could not download the module packages: ${(e as Error).message}` };
      }
    }
    for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
      execFileSync('dpkg-deb', ['-x', join(debs, deb), work]);
    }
    try {
      renameSync(work, CACHE);
    } catch {
      // another process won the race; its copy is complete
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return complete(unpacked) ? { dir: unpacked } : { reason: `the downloaded packages did not hold ${CORPUS_MODULES.join(', ')}` };
}

/** Where Debian's alternatives system links the installed modules by their short names. */
export const DEBIAN_MODULEPATH = '/usr/share/puppet/modules';

/**
 * A modulepath holding the corpus modules under their module names (`apt`, `ntp`, …), as
 * `/usr/share/puppet/modules` does once the packages are installed; made of symlinks into the
 * unpacked packages when they are not.
 */
export function corpusModulepath(): { dir: string } | { reason: string } {
  const names = CORPUS_MODULES.map((m) => m.replace(/^puppetlabs-/, ''));
  if (names.every((n) => existsSync(join(DEBIAN_MODULEPATH, n)))) return { dir: DEBIAN_MODULEPATH };
  const corpus = moduleCorpus();
  if (!('dir' in corpus)) return corpus;
  const dir = `${CACHE}-modulepath`;
  if (names.every((n) => existsSync(join(dir, n)))) return { dir };
  const work = `${dir}.${process.pid}`;
  mkdirSync(work, { recursive: true });
  for (const n of names) symlinkSync(join(corpus.dir, `puppetlabs-${n}`), join(work, n));
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true });
  }
  return { dir };
}
