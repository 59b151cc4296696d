// The few facts about this host that module Ruby reads while it loads at compile time (a type
// asking Facter.value(:os) in its body, as under Puppet, where Facter answers for the server):
// the kernel and the operating system, from os.type() and /etc/os-release. Hosts that have
// Kasper's full facts pass their own `fact` instead.
import { readFileSync } from 'node:fs';
import { type as osType } from 'node:os';

let cache: Record<string, unknown> | undefined;

function collect(): Record<string, unknown> {
  const rel: Record<string, string> = {};
  try {
    for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line);
      if (m) rel[m[1]] = m[3];
    }
  } catch {
    // no os-release: leave the os facts out
  }
  const ids = [rel.ID, ...(rel.ID_LIKE ?? '').split(' ')];
  const family = ids.includes('debian') || ids.includes('ubuntu') ? 'Debian' : ids.some((i) => /rhel|fedora|centos/.test(i ?? '')) ? 'RedHat' : rel.ID ? rel.ID[0].toUpperCase() + rel.ID.slice(1) : undefined;
  const name = rel.ID === 'debian' ? 'Debian' : rel.ID === 'ubuntu' ? 'Ubuntu' : rel.NAME?.split(' ')[0];
  let full = rel.VERSION_ID;
  try {
    if (rel.ID === 'debian') full = readFileSync('/etc/debian_version', 'utf8').trim();
  } catch {
    // keep VERSION_ID
  }
  const [major, minor] = (full ?? '').split('.');
  const os = name === undefined ? undefined : { name, family, release: { full, major, ...(minor === undefined ? {} : { minor }) } };
  return {
    kernel: osType(),
    os,
    osfamily: family,
    operatingsystem: name,
    operatingsystemrelease: full,
    operatingsystemmajrelease: major,
  };
}

/** A fact of this host by name (dotted names reach inside), or undefined. */
export function hostFact(name: string): unknown {
  cache ??= collect();
  let v: unknown = cache;
  for (const part of name.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}
