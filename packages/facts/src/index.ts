// Facts about this host, in Facter 4's structured shape (os, networking, processors, memory,
// disks, mountpoints, …) plus the legacy flat names modules still read. Each group has its own
// resolver; only the groups asked for are computed, in parallel. Sources are the OS itself
// (/etc/os-release, /proc, Node's os module) and systeminformation where it knows more.
import { existsSync, readFileSync, readdirSync, statfsSync } from 'node:fs';
import * as os from 'node:os';
import { loadExternalFacts } from './external.ts';
import { zoneAbbreviation } from './timezone.ts';

export { formatFacts } from './format.ts';
export { definedFactNames, folderFactSources, moduleFactSources, resolveCustomFacts, type CustomFactSources, type CustomFactsResult } from './custom.ts';
import { definedFactNames, resolveCustomFacts, type CustomFactSources, type CustomFactsResult } from './custom.ts';
import { run } from './run.ts';
export { loadExternalFacts } from './external.ts';
export { FACTS_MESSAGES, FactsError } from './messages.ts';


export type Facts = Record<string, unknown>;
type Resolver = () => Promise<Facts>;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Facter's human sizes: `15.52 GiB`. */
export function humanSize(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} bytes` : `${v.toFixed(2)} ${units[i]}`;
}

function osRelease(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (read('/etc/os-release') ?? '').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return out;
}

const FAMILIES: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Debian', raspbian: 'Debian', linuxmint: 'Debian',
  rhel: 'RedHat', centos: 'RedHat', fedora: 'RedHat', rocky: 'RedHat', almalinux: 'RedHat', amzn: 'RedHat',
  sles: 'Suse', opensuse: 'Suse', arch: 'Archlinux', alpine: 'Alpine', gentoo: 'Gentoo',
};

const resolveOs: Resolver = async () => {
  const rel = osRelease();
  const id = rel.ID ?? os.platform();
  const family = FAMILIES[id] ?? (rel.ID_LIKE ?? '').split(' ').map((x) => FAMILIES[x]).find(Boolean) ?? (id[0]?.toUpperCase() + id.slice(1));
  const name = id === 'debian' ? 'Debian' : id === 'ubuntu' ? 'Ubuntu' : (rel.NAME ?? id).split(' ')[0];
  // Debian's point release lives in /etc/debian_version (12.5); os-release has only 12.
  const full = (id === 'debian' ? read('/etc/debian_version')?.trim() : undefined) ?? rel.VERSION_ID ?? os.release();
  const [major, minor] = full.split('.');
  const arch = os.arch() === 'x64' ? (family === 'Debian' ? 'amd64' : 'x86_64') : os.arch() === 'arm64' ? (family === 'Debian' ? 'arm64' : 'aarch64') : os.arch();
  const hardware = os.machine();
  const distro = {
    codename: rel.VERSION_CODENAME ?? '',
    id: name,
    description: rel.PRETTY_NAME ?? '',
    release: { full, major, ...(minor !== undefined ? { minor } : {}) },
  };
  const osFact = { name, family, release: { full, major, ...(minor !== undefined ? { minor } : {}) }, distro, architecture: arch, hardware, selinux: { enabled: existsSync('/sys/fs/selinux/enforce') } };
  return {
    os: osFact,
    osfamily: family, operatingsystem: name, operatingsystemrelease: full, operatingsystemmajrelease: major,
    lsbdistcodename: distro.codename, lsbdistid: name, lsbdistrelease: full, lsbmajdistrelease: major,
    architecture: arch, hardwaremodel: hardware,
  };
};

const resolveKernel: Resolver = async () => {
  const release = os.release();
  const version = release.split('-')[0];
  return {
    kernel: os.type(), kernelrelease: release, kernelversion: version,
    kernelmajversion: version.split('.').slice(0, 2).join('.'),
  };
};

function prefixToMask(bits: number, v6: boolean): string {
  if (v6) return fromBig6(bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n));
  const n = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function network4(ip: string, mask: string): string {
  const a = ip.split('.').map(Number);
  const m = mask.split('.').map(Number);
  return a.map((x, i) => x & m[i]).join('.');
}

/** An IPv6 address as a 128-bit number (the zone id, `%eth0`, dropped). */
function toBig6(ip: string): bigint {
  const [head, tail] = ip.split('%')[0].split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** The canonical (RFC 5952) text of a 128-bit number: the longest run of zero groups as `::`. */
function fromBig6(n: bigint): string {
  const g = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - i * 16)) & 0xffffn));
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Facter's scope6: host for ::1, link for fe80::/10, site for fec0::/10, else global. */
function scope6(ip: string): string {
  const n = toBig6(ip);
  if (n === 1n) return 'host';
  const top10 = n >> 118n;
  if (top10 === 0x3fan) return 'link';
  if (top10 === 0x3fbn) return 'site';
  return 'global';
}

/**
 * The canonical name the C library's resolver gives `name` from the hosts file (getaddrinfo with
 * AI_CANONNAME, answered by NSS's `files` source): the official name (first field after the
 * address) of the first line naming it, compared without case. Undefined when no line names it.
 */
export function canonicalNameFromHosts(name: string, hostsText: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const raw of hostsText.split('\n')) {
    const hash = raw.indexOf('#');
    const fields = (hash < 0 ? raw : raw.slice(0, hash)).trim().split(/\s+/);
    if (fields.length < 2) continue;
    for (let i = 1; i < fields.length; i++) if (fields[i].toLowerCase() === wanted) return fields[1];
  }
  return undefined;
}

/**
 * What `hostname -f` (and Facter's getaddrinfo) answers for `name` without running anything, when
 * NSS asks the hosts file first (`hosts: files …` in /etc/nsswitch.conf) and it names the host.
 * Undefined when another source (DNS, mDNS) would have to answer.
 */
function canonicalNameLocally(name: string): string | undefined {
  const nss = (read('/etc/nsswitch.conf') ?? '').split('\n').find((l) => /^\s*hosts\s*:/.test(l));
  // No nsswitch.conf: glibc's default for hosts is `dns [!UNAVAIL=return] files`.
  if (!nss || nss.split(':')[1].trim().split(/\s+/)[0] !== 'files') return undefined;
  const hosts = read('/etc/hosts');
  return hosts === undefined ? undefined : canonicalNameFromHosts(name, hosts);
}

const resolveHost: Resolver = async () => {
  // As Facter's Linux resolver: gethostname() split at its first dot; without a domain, the
  // resolver's canonical name for it (getaddrinfo with AI_CANONNAME) is the fqdn when it differs,
  // and gives the domain when it starts with `hostname.`; else /etc/resolv.conf's domain (or first
  // search domain).
  const full = os.hostname();
  const dot = full.indexOf('.');
  const hostname = dot < 0 ? full : full.slice(0, dot);
  let domain = dot < 0 ? '' : full.slice(dot + 1);
  let fqdn = '';
  if (!domain && hostname) {
    // From the hosts file when NSS reads it first and it names the host (no process to start),
    // else `hostname -f`, which prints the same canonical name.
    let canonical = canonicalNameLocally(hostname);
    if (canonical === undefined) {
      try {
        canonical = (await run('hostname', ['-f'], { timeout: 2000 })).stdout.trim();
      } catch {
        // no hostname binary or no resolver answer
      }
    }
    if (canonical && canonical !== hostname) fqdn = canonical;
    if (fqdn.startsWith(`${hostname}.`)) domain = fqdn.slice(hostname.length + 1);
  }
  if (!domain) {
    const resolv = read('/etc/resolv.conf') ?? '';
    domain = /^domain\s+(\S+)/m.exec(resolv)?.[1] ?? /^search\s+(\S+)/m.exec(resolv)?.[1] ?? '';
  }
  if (!fqdn) fqdn = domain ? `${hostname}.${domain}` : hostname;
  return { hostname, fqdn, domain };
};

/** The interface of the default route: IPv4's first, else IPv6's (skipping reject routes on lo). */
function defaultRouteInterface(): string | undefined {
  for (const line of (read('/proc/net/route') ?? '').split('\n').slice(1)) {
    const [iface, dest, , , , , , mask] = line.split('\t');
    if (dest === '00000000' && mask === '00000000') return iface;
  }
  for (const line of (read('/proc/net/ipv6_route') ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const flags = parseInt(f[8], 16);
    if (/^0+$/.test(f[0]) && f[1] === '00' && !(flags & 0x0200) && f[9] !== 'lo') return f[9];
  }
  return undefined;
}

const resolveNetworking: Resolver = async () => {
  const { hostname, fqdn, domain } = await resolveHost();
  const interfaces: Record<string, Record<string, unknown>> = {};
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    const list = addrs ?? [];
    const v4 = list.filter((a) => a.family === 'IPv4');
    // The first global IPv6 address is the interface's ip6, as in Facter; link-local ones last.
    const v6 = list.filter((a) => a.family === 'IPv6').sort((a, b) => Number(scope6(a.address) === 'link') - Number(scope6(b.address) === 'link'));
    const entry: Record<string, unknown> = {};
    const mtu = Number(read(`/sys/class/net/${name}/mtu`));
    if (mtu) entry.mtu = mtu;
    const mac = list.find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac;
    if (mac) entry.mac = mac;
    if (v4.length) {
      entry.bindings = v4.map((a) => ({ address: a.address, netmask: a.netmask, network: network4(a.address, a.netmask) }));
      entry.ip = v4[0].address;
      entry.netmask = v4[0].netmask;
      entry.network = network4(v4[0].address, v4[0].netmask);
    }
    if (v6.length) {
      entry.bindings6 = v6.map((a) => {
        const bits = Number(a.cidr?.split('/')[1] ?? 64);
        const mask = ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
        return { address: a.address, netmask: prefixToMask(bits, true), network: fromBig6(toBig6(a.address) & mask), scope6: scope6(a.address) };
      });
      const first = (entry.bindings6 as Record<string, string>[])[0];
      entry.ip6 = first.address;
      entry.netmask6 = first.netmask;
      entry.network6 = first.network;
      entry.scope6 = first.scope6;
    }
    interfaces[name] = entry;
  }
  const primary = defaultRouteInterface() ?? Object.keys(interfaces).find((n) => n !== 'lo');
  const p = primary ? interfaces[primary] : undefined;
  const pick = (...keys: string[]) => Object.fromEntries(keys.filter((k) => p?.[k] !== undefined).map((k) => [k, p![k]]));
  const networking = {
    hostname, fqdn, domain, ...(primary ? { primary } : {}), interfaces,
    ...pick('ip', 'netmask', 'network', 'ip6', 'netmask6', 'network6', 'scope6', 'mac', 'mtu'),
  };
  return {
    networking, hostname, fqdn, domain,
    ipaddress: p?.ip, ipaddress6: p?.ip6, macaddress: p?.mac, netmask: p?.netmask, network: p?.network,
    interfaces: Object.keys(interfaces).join(','),
  };
};

const resolveProcessors: Resolver = async () => {
  const cpus = os.cpus();
  const cpuinfo = read('/proc/cpuinfo') ?? '';
  const physical = new Set(cpuinfo.split('\n').filter((l) => l.startsWith('physical id')).map((l) => l.split(':')[1].trim()));
  const speed = cpus[0]?.speed ? `${(cpus[0].speed / 1000).toFixed(2)} GHz` : undefined;
  return {
    processors: { count: cpus.length, physicalcount: Math.max(1, physical.size), models: cpus.map((c) => c.model), isa: os.machine(), ...(speed ? { speed } : {}) },
    processorcount: cpus.length,
  };
};

function meminfo(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (read('/proc/meminfo') ?? '').split('\n')) {
    const m = /^(\w+):\s+(\d+)\s*kB/.exec(line);
    if (m) out[m[1]] = Number(m[2]) * 1024;
  }
  return out;
}

function usage(total: number, available: number) {
  const used = total - available;
  return {
    total: humanSize(total), total_bytes: total, available: humanSize(available), available_bytes: available,
    used: humanSize(used), used_bytes: used, capacity: total ? `${((used / total) * 100).toFixed(2)}%` : '0%',
  };
}

const resolveMemory: Resolver = async () => {
  const m = meminfo();
  const total = m.MemTotal ?? os.totalmem();
  const available = m.MemAvailable ?? os.freemem();
  const memory: Record<string, unknown> = { system: usage(total, available) };
  if (m.SwapTotal) memory.swap = usage(m.SwapTotal, m.SwapFree ?? 0);
  return {
    memory,
    memorysize: humanSize(total), memorysize_mb: Math.round((total / 1048576) * 100) / 100,
    memoryfree: humanSize(available), memoryfree_mb: Math.round((available / 1048576) * 100) / 100,
  };
};

const resolveDisks: Resolver = async () => {
  const disks: Record<string, unknown> = {};
  try {
    for (const name of readdirSync('/sys/block')) {
      if (/^(loop|ram|zram)/.test(name)) continue;
      const sectors = Number(read(`/sys/block/${name}/size`) ?? 0);
      const size = sectors * 512;
      const entry: Record<string, unknown> = { size: humanSize(size), size_bytes: size };
      const model = read(`/sys/block/${name}/device/model`)?.trim();
      const vendor = read(`/sys/block/${name}/device/vendor`)?.trim();
      if (model) entry.model = model;
      if (vendor) entry.vendor = vendor;
      entry.type = read(`/sys/block/${name}/queue/rotational`)?.trim() === '1' ? 'hdd' : 'ssd';
      disks[name] = entry;
    }
  } catch {
    // no sysfs (a container may hide it)
  }
  if (Object.keys(disks).length === 0) {
    // Ask systeminformation, which knows other sources.
    try {
      const si = await import('systeminformation');
      for (const d of await si.blockDevices()) if (d.type === 'disk') disks[d.name] = { size: humanSize(d.size), size_bytes: d.size, model: d.model || undefined };
    } catch {
      // leave disks empty
    }
  }
  return { disks, blockdevices: Object.keys(disks).join(',') };
};

const PSEUDO = new Set(['proc', 'sysfs', 'devpts', 'cgroup', 'cgroup2', 'securityfs', 'debugfs', 'tracefs', 'pstore', 'bpf', 'mqueue', 'hugetlbfs', 'configfs', 'fusectl', 'autofs', 'binfmt_misc', 'nsfs', 'rpc_pipefs']);

/** /proc/mounts escapes space, tab, newline and backslash as octal (`\040`). */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

const resolveMounts: Resolver = async () => {
  const mountpoints: Record<string, unknown> = {};
  const filesystems = new Set<string>();
  for (const line of (read('/proc/mounts') ?? '').split('\n')) {
    const [rawDevice, rawPath, fs, options] = line.split(' ');
    if (!rawPath || PSEUDO.has(fs)) continue;
    filesystems.add(fs);
    const mp = unescapeMount(rawPath);
    const base = { device: unescapeMount(rawDevice), filesystem: fs, options: (options ?? '').split(',') };
    try {
      // As Facter: size from all blocks, used from blocks not free, available as a non-root
      // user sees it, capacity = used / (used + available).
      const st = statfsSync(mp);
      const size = st.blocks * st.bsize;
      const available = st.bavail * st.bsize;
      const used = (st.blocks - st.bfree) * st.bsize;
      mountpoints[mp] = {
        ...base,
        size: humanSize(size), size_bytes: size,
        available: humanSize(available), available_bytes: available,
        used: humanSize(used), used_bytes: used,
        capacity: used + available ? `${((used / (used + available)) * 100).toFixed(2)}%` : '0%',
      };
    } catch {
      mountpoints[mp] = base;
    }
  }
  const fsList = (read('/proc/filesystems') ?? '').split('\n').filter((l) => l && !l.startsWith('nodev')).map((l) => l.trim());
  return { mountpoints, filesystems: (fsList.length ? fsList : [...filesystems]).sort().join(',') };
};

/** systemd-detect-virt's names in Facter's words. */
const SYSTEMD_VIRT: Record<string, string> = {
  kvm: 'kvm', qemu: 'kvm', amazon: 'kvm', vmware: 'vmware', oracle: 'virtualbox', microsoft: 'hyperv',
  xen: 'xenu', bochs: 'bochs', parallels: 'parallels', bhyve: 'bhyve', powervm: 'powervm',
  docker: 'docker', podman: 'podman', lxc: 'lxc', 'lxc-libvirt': 'lxc', 'systemd-nspawn': 'systemd_nspawn',
  openvz: 'openvz', wsl: 'wsl', rkt: 'rkt',
};

/** A container first (the innermost layer is the one Facter names), then a hypervisor. */
function virtualFromFiles(): string | undefined {
  const cgroup = read('/proc/1/cgroup') ?? '';
  const environ = read('/proc/1/environ') ?? '';
  if (existsSync('/.dockerenv') || /docker/.test(cgroup)) return 'docker';
  if (existsSync('/run/.containerenv') || environ.includes('container=podman')) return 'podman';
  if (/lxc/.test(cgroup) || existsSync('/dev/lxd') || environ.includes('container=lxc')) return 'lxc';
  if (environ.includes('container=systemd-nspawn')) return 'systemd_nspawn';
  if (existsSync('/proc/vz') && !existsSync('/proc/bc')) return 'openvz';
  if (/microsoft/i.test(read('/proc/sys/kernel/osrelease') ?? '')) return 'wsl';
  const product = (read('/sys/class/dmi/id/product_name') ?? '').trim().toLowerCase();
  const vendor = (read('/sys/class/dmi/id/sys_vendor') ?? '').trim().toLowerCase();
  const bios = (read('/sys/class/dmi/id/bios_vendor') ?? '').trim().toLowerCase();
  if (/kvm|qemu|bochs/.test(product) || /qemu/.test(vendor) || /seabios/.test(bios)) return 'kvm';
  if (/vmware/.test(product) || /vmware/.test(vendor)) return 'vmware';
  if (/virtualbox/.test(product) || /innotek/.test(vendor)) return 'virtualbox';
  if (/google/.test(product)) return 'gce';
  if (/amazon/.test(vendor) || /amazon/.test(bios)) return 'kvm';
  if (/microsoft/.test(vendor) && /virtual machine/.test(product)) return 'hyperv';
  if (/parallels/.test(product)) return 'parallels';
  if (/xen/.test(vendor) || existsSync('/proc/xen')) return existsSync('/proc/xen/capabilities') && /control_d/.test(read('/proc/xen/capabilities') ?? '') ? 'xen0' : 'xenu';
  return undefined;
}

const resolveVirtual: Resolver = async () => {
  let virtual = virtualFromFiles();
  if (!virtual) {
    // systemd-detect-virt knows CPUID leaves and more; it exits 1 ("none") on bare metal.
    try {
      const { stdout } = await run('systemd-detect-virt', [], { timeout: 2000 });
      const v = stdout.trim();
      if (v && v !== 'none') virtual = SYSTEMD_VIRT[v] ?? v;
    } catch {
      // absent, or "none"
    }
  }
  if (!virtual && /^flags\s*:.*\bhypervisor\b/m.test(read('/proc/cpuinfo') ?? '')) {
    // Some hypervisor, unnamed so far: systeminformation reads more places (dmidecode, lspci).
    try {
      const si = await import('systeminformation');
      const sys = await si.system();
      const host = (sys.virtualHost ?? '').toLowerCase();
      virtual = /kvm|qemu/.test(host) ? 'kvm' : /vmware/.test(host) ? 'vmware' : /virtualbox/.test(host) ? 'virtualbox' : /hyper-v|microsoft/.test(host) ? 'hyperv' : /xen/.test(host) ? 'xenu' : 'kvm';
    } catch {
      virtual = 'kvm';
    }
  }
  virtual ??= 'physical';
  return { virtual, is_virtual: virtual !== 'physical' };
};

const resolveIdentity: Resolver = async () => {
  const info = os.userInfo();
  const group = (read('/etc/group') ?? '').split('\n').find((l) => l.split(':')[2] === String(info.gid))?.split(':')[0] ?? String(info.gid);
  return {
    identity: { user: info.username, uid: info.uid, gid: info.gid, group, privileged: info.uid === 0 },
    id: info.username, gid: group,
  };
};

const resolveTime: Resolver = async () => {
  const seconds = Math.floor(Number((read('/proc/uptime') ?? String(os.uptime())).split(' ')[0]));
  const hours = Math.floor(seconds / 3600);
  const days = Math.floor(seconds / 86400);
  const uptime = days > 0 ? `${days} day${days === 1 ? '' : 's'}` : `${hours}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')} hours`;
  const [l1, l5, l15] = os.loadavg();
  return {
    system_uptime: { seconds, hours, days, uptime },
    uptime_seconds: seconds, uptime_hours: hours, uptime_days: days, uptime,
    timezone: zoneAbbreviation(),
    load_averages: { '1m': l1, '5m': l5, '15m': l15 },
    path: process.env.PATH ?? '',
  };
};

/** Which resolver provides each top-level fact. */
const RESOLVERS: [string[], Resolver][] = [
  [['os', 'osfamily', 'operatingsystem', 'operatingsystemrelease', 'operatingsystemmajrelease', 'lsbdistcodename', 'lsbdistid', 'lsbdistrelease', 'lsbmajdistrelease', 'architecture', 'hardwaremodel'], resolveOs],
  [['kernel', 'kernelrelease', 'kernelversion', 'kernelmajversion'], resolveKernel],
  [['networking', 'hostname', 'fqdn', 'domain', 'ipaddress', 'ipaddress6', 'macaddress', 'netmask', 'network', 'interfaces'], resolveNetworking],
  [['processors', 'processorcount'], resolveProcessors],
  [['memory', 'memorysize', 'memorysize_mb', 'memoryfree', 'memoryfree_mb'], resolveMemory],
  [['disks', 'blockdevices'], resolveDisks],
  [['mountpoints', 'filesystems'], resolveMounts],
  [['virtual', 'is_virtual'], resolveVirtual],
  [['identity', 'id', 'gid'], resolveIdentity],
  [['system_uptime', 'uptime_seconds', 'uptime_hours', 'uptime_days', 'uptime', 'timezone', 'load_averages', 'path'], resolveTime],
];

/** The resolvers that ran in the latest collection (prefer the per-call `trace` option). */
export const lastResolved: string[] = [];

export interface CollectOptions {
  /** Only these facts (dotted names allowed: `os.release.major` needs `os`). */
  names?: string[];
  /** Folders of external facts; default /etc/kasper/facts.d. */
  externalDirs?: string[];
  /** Instrumentation: the name of each resolver that runs is pushed here. */
  trace?: string[];
  /**
   * Custom facts in Ruby (modules' lib/facter, see moduleFactSources and folderFactSources):
   * resolved after the core and external facts, which they can read, and added where those
   * have no fact of the same name. Ruby starts only when a fact asked for is one of theirs.
   */
  custom?: CustomFactSources;
  /** The provider Puppet would choose for a type on this host (stdlib's service_provider fact). */
  defaultProvider?(type: string): string | undefined;
  /** Custom facts that failed (a file that does not load, a resolution that raises). */
  onCustomError?(error: CustomFactsResult['errors'][number]): void;
}

/** The resolvers (named by their first fact) that collecting these names runs. */
export function resolversFor(names?: string[]): string[] {
  const wanted = names?.map((n) => n.split('.')[0]);
  return RESOLVERS.filter(([provides]) => !wanted || provides.some((n) => wanted.includes(n))).map(([provides]) => provides[0]);
}

export async function collectFacts(options: CollectOptions = {}): Promise<Facts> {
  const custom = options.custom;
  if (custom && custom.files.length > 0) {
    const wanted = options.names?.map((n) => n.split('.')[0]);
    const mine = wanted ? wanted.filter((n) => definedFactNames(custom.files).has(n)) : undefined;
    if (!mine || mine.length > 0) {
      // Custom facts read any core fact (Facter.value), so all of them are collected first.
      const known = await collectFacts({ ...options, names: undefined, custom: undefined });
      const r = await resolveCustomFacts(custom, known, { names: mine, defaultProvider: options.defaultProvider });
      for (const e of r.errors) options.onCustomError?.(e);
      const facts: Facts = { ...known };
      for (const [k, v] of Object.entries(r.values)) if (!(k in facts)) facts[k] = v;
      if (wanted) for (const k of Object.keys(facts)) if (!wanted.includes(k)) delete facts[k];
      return facts;
    }
  }
  const wanted = options.names?.map((n) => n.split('.')[0]);
  const chosen = RESOLVERS.filter(([names]) => !wanted || names.some((n) => wanted.includes(n)));
  lastResolved.length = 0;
  // Core resolvers and external facts all at once; a resolver that fails leaves its facts out.
  const [results, external] = await Promise.all([
    Promise.all(chosen.map(async ([names, resolve]) => {
      lastResolved.push(names[0]);
      options.trace?.push(names[0]);
      try {
        return await resolve();
      } catch {
        return {};
      }
    })),
    loadExternalFacts(options.externalDirs ?? ['/etc/kasper/facts.d']),
  ]);
  const facts: Facts = Object.assign({}, ...results);
  for (const k of Object.keys(facts)) if (facts[k] === undefined) delete facts[k];
  // External facts override core facts of the same name.
  for (const [k, v] of Object.entries(external)) if (!wanted || wanted.includes(k)) facts[k] = v;
  if (wanted) for (const k of Object.keys(facts)) if (!wanted.includes(k)) delete facts[k];
  return facts;
}
