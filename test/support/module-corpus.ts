// The Debian-packaged Puppet modules the parser must read: found where apt installs them, in a
// folder named by KASPER_MODULE_CORPUS, or fetched as .deb files and unpacked (no install, no
// Puppet needed) into a cache folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
  const failed = unpackPackages(CORPUS_PACKAGES, CACHE);
  if (failed) return failed;
  return complete(unpacked) ? { dir: unpacked } : { reason: `the downloaded packages did not hold ${CORPUS_MODULES.join(', ')}` };
}

/**
 * Debian packages fetched with apt-get (package lists refreshed first when running as root and
 * the download fails) and unpacked, not installed, into `cache`, once: a file `complete` there
 * lists them. Tests run in parallel processes: each unpacks into its own folder and renames it
 * into place, so none ever reads a half-unpacked cache. A reason when that cannot be done.
 */
function unpackPackages(packages: string[], cache: string): { reason: string } | undefined {
  if (existsSync(join(cache, 'complete'))) return undefined;
  if (!hasCommand('apt-get') || !hasCommand('dpkg-deb')) return { reason: 'the Debian module packages need apt-get and dpkg-deb (Debian)' };
  const work = `${cache}.${process.pid}`;
  const debs = join(work, 'debs');
  mkdirSync(debs, { recursive: true });
  const download = () => execFileSync('apt-get', ['download', ...packages], { cwd: debs, stdio: 'pipe' });
  try {
    try {
      download();
    } catch (first) {
      if (!isRoot) return { reason: `apt-get download failed and package lists cannot be refreshed without root: ${(first as Error).message}` };
      try {
        execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update', '-qq'], { stdio: 'pipe' });
        download();
      } catch (e) {
        return { reason: `could not download the Debian module packages: ${(e as Error).message}` };
      }
    }
    const fetched = readdirSync(debs).filter((f) => f.endsWith('.deb'));
    if (fetched.length !== packages.length) return { reason: `apt-get download fetched ${fetched.length} of the ${packages.length} module packages` };
    for (const deb of fetched) execFileSync('dpkg-deb', ['-x', join(debs, deb), work]);
    rmSync(debs, { recursive: true, force: true });
    writeFileSync(join(work, 'complete'), `${packages.join('\n')}\n`);
    try {
      renameSync(work, cache);
    } catch {
      // another process won the race; its copy is complete
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return existsSync(join(cache, 'complete')) ? undefined : { reason: `unpacking the module packages into ${cache} failed` };
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

/**
 * Every Puppet module package of Debian 12 (`apt-cache search --names-only ^puppet-module-`):
 * the fuzzer's corpus. A fixed list, so that every machine reads the same files whatever else
 * it has installed.
 */
export const DEBIAN_MODULE_PACKAGES = [
  'aboe-chrony', 'adrienthebo-filemapper', 'alteholz-tdc', 'antonlindstrom-powerdns', 'aodh', 'arioch-redis',
  'asciiduck-sssd', 'barbican', 'camptocamp-augeas', 'camptocamp-kmod', 'camptocamp-openssl', 'camptocamp-postfix',
  'camptocamp-systemd', 'ceilometer', 'ceph', 'cinder', 'cirrax-gitolite', 'cloudkitty', 'congress', 'cristifalcas-etcd',
  'debian-archvsync', 'deric-zookeeper', 'designate', 'duritong-sysctl', 'etcddiscovery', 'glance', 'gnocchi', 'heat',
  'heini-wait-for', 'horizon', 'icann-quagga', 'icann-tea', 'ironic', 'joshuabaird-ipaclient', 'keystone', 'magnum', 'manila',
  'michaeltchapman-galera', 'mistral', 'murano', 'nanliu-staging', 'neutron', 'nova', 'oci', 'octavia', 'openstack-extras',
  'openstacklib', 'oslo', 'ovn', 'panko', 'pcfens-filebeat', 'placement', 'puppet-archive', 'puppet-community-mcollective',
  'puppetlabs-apache', 'puppetlabs-apt', 'puppetlabs-augeas-core', 'puppetlabs-concat', 'puppetlabs-cron-core',
  'puppetlabs-firewall', 'puppetlabs-haproxy', 'puppetlabs-host-core', 'puppetlabs-inifile', 'puppetlabs-mailalias-core',
  'puppetlabs-mongodb', 'puppetlabs-mount-core', 'puppetlabs-mysql', 'puppetlabs-ntp', 'puppetlabs-postgresql',
  'puppetlabs-rabbitmq', 'puppetlabs-rsync', 'puppetlabs-selinux-core', 'puppetlabs-sshkeys-core', 'puppetlabs-stdlib',
  'puppetlabs-tftp', 'puppetlabs-translate', 'puppetlabs-vcsrepo', 'puppetlabs-xinetd', 'richardc-datacat',
  'rodjek-logrotate', 'sahara', 'saz-memcached', 'saz-rsyslog', 'saz-ssh', 'sbitio-monit', 'swift', 'tempest',
  'theforeman-dns', 'voxpupuli-alternatives', 'voxpupuli-collectd', 'voxpupuli-corosync', 'voxpupuli-posix-acl',
  'voxpupuli-ssh-keygen', 'vswitch',
].map((m) => `puppet-module-${m}`);

const ALL_CACHE = join(tmpdir(), 'kasper-debian-modules');

function isSource(path: string): boolean {
  return path.endsWith('.pp') || path.endsWith('.epp');
}

/** The sources under `root`, relative to it, not following links to folders (as dpkg lists them). */
function sourcesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else if (isSource(e.name) && existsSync(join(root, path))) out.push(path);
    }
  };
  if (existsSync(root)) walk('');
  return out.sort();
}

/**
 * The .pp and .epp files of every package in DEBIAN_MODULE_PACKAGES, as paths relative to `dir`
 * (a `modules.available` folder), sorted: from the installed packages when all are installed,
 * else from their .deb files fetched with apt-get and unpacked (no install, no Puppet needed)
 * into a cache folder. Or a reason why there are none.
 */
export function debianModuleSources(options: { installed?: boolean } = {}): { dir: string; files: string[] } | { reason: string } {
  if (options.installed !== false && hasCommand('dpkg-query')) {
    let status = '';
    try {
      status = execFileSync('dpkg-query', ['-W', '-f', '${Status}\n', ...DEBIAN_MODULE_PACKAGES], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      // some are not installed: dpkg-query exits 1
    }
    const installed = status.split('\n').filter((l) => l.endsWith(' installed')).length;
    if (installed === DEBIAN_MODULE_PACKAGES.length) {
      // Only these packages' files: the folder may hold other modules as well.
      const listed = execFileSync('dpkg-query', ['-L', ...DEBIAN_MODULE_PACKAGES], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const files = listed.split('\n').filter((f) => f.startsWith(`${INSTALLED}/`) && isSource(f) && existsSync(f))
        .map((f) => f.slice(INSTALLED.length + 1));
      return { dir: INSTALLED, files: [...new Set(files)].sort() };
    }
  }
  const unpacked = join(ALL_CACHE, 'usr/share/puppet/modules.available');
  const failed = unpackPackages(DEBIAN_MODULE_PACKAGES, ALL_CACHE);
  if (failed) return failed;
  const files = sourcesUnder(unpacked);
  return files.length > 0 ? { dir: unpacked, files } : { reason: `the module packages unpacked in ${ALL_CACHE} hold no .pp or .epp file` };
}
