// These tests run against the real machine: every expectation is checked against what the OS
// itself says (os-release, Node's os module, statfs, process), never against mocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, hostname, networkInterfaces, release, tmpdir, totalmem, userInfo } from 'node:os';
import { join } from 'node:path';
import { canonicalNameFromHosts, collectFacts, formatFacts, humanSize, lastResolved, loadExternalFacts, resolversFor } from '../src/index.ts';
import { hasCommand, isRoot, needs } from '../../../test/support/host.ts';

type Any = Record<string, any>;

function osRelease(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line);
    if (m) out[m[1]] = m[3];
  }
  return out;
}

test('os facts agree with /etc/os-release and /etc/debian_version', async () => {
  const f = await collectFacts({ names: ['os', 'osfamily', 'operatingsystem', 'operatingsystemmajrelease', 'lsbdistcodename'], externalDirs: [] }) as Any;
  const rel = osRelease();
  const ids = [rel.ID, ...(rel.ID_LIKE ?? '').split(' ')];
  if (ids.includes('debian') || ids.includes('ubuntu')) assert.equal(f.os.family, 'Debian');
  assert.equal(f.osfamily, f.os.family);
  assert.equal(f.operatingsystem, f.os.name);
  assert.equal(f.os.release.major, rel.VERSION_ID.split('.')[0]);
  assert.equal(f.operatingsystemmajrelease, f.os.release.major);
  if (rel.ID === 'debian' && existsSync('/etc/debian_version')) {
    assert.equal(f.os.name, 'Debian');
    assert.equal(f.os.release.full, readFileSync('/etc/debian_version', 'utf8').trim());
  }
  assert.equal(f.os.distro.codename, rel.VERSION_CODENAME ?? '');
  assert.equal(f.lsbdistcodename, f.os.distro.codename);
  assert.equal(f.os.distro.description, rel.PRETTY_NAME);
  assert.equal(f.os.hardware, process.arch === 'x64' ? 'x86_64' : f.os.hardware);
  if (f.os.family === 'Debian' && process.arch === 'x64') assert.equal(f.os.architecture, 'amd64');
});

test('kernel, processors, memory, identity and uptime agree with the operating system', async () => {
  const f = await collectFacts({ externalDirs: [] }) as Any;
  assert.equal(f.kernel, 'Linux');
  assert.equal(f.kernelrelease, release());
  assert.ok(release().startsWith(f.kernelversion));
  assert.ok(f.kernelversion.startsWith(f.kernelmajversion));
  assert.equal(f.processors.count, cpus().length);
  assert.equal(f.processorcount, cpus().length);
  assert.ok(f.processors.physicalcount >= 1);
  assert.equal(f.processors.models.length, cpus().length);
  assert.ok(Math.abs(f.memory.system.total_bytes - totalmem()) < 64 * 1024 * 1024);
  assert.equal(f.memory.system.used_bytes + f.memory.system.available_bytes, f.memory.system.total_bytes);
  assert.equal(f.memory.system.total, humanSize(f.memory.system.total_bytes));
  assert.match(f.memory.system.capacity, /^\d+\.\d\d%$/);
  assert.equal(f.memorysize_mb, Math.round((f.memory.system.total_bytes / 1048576) * 100) / 100);
  assert.equal(f.identity.uid, process.getuid!());
  assert.equal(f.identity.gid, process.getgid!());
  assert.equal(f.identity.user, userInfo().username);
  assert.equal(f.identity.privileged, process.getuid!() === 0);
  const uptime = Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]));
  assert.ok(Math.abs(f.system_uptime.seconds - uptime) <= 2);
  assert.equal(f.uptime_seconds, f.system_uptime.seconds);
  assert.equal(f.system_uptime.days, Math.floor(f.system_uptime.seconds / 86400));
  assert.equal(f.load_averages['1m'] >= 0, true);
  assert.equal(f.path, process.env.PATH);
  assert.equal(typeof f.timezone, 'string');
  // Every value is plain JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(f)), f);
});

test('networking lists every interface with its addresses, lo included', async () => {
  const f = await collectFacts({ names: ['networking', 'interfaces', 'ipaddress', 'hostname', 'fqdn'], externalDirs: [] }) as Any;
  const n = f.networking;
  assert.deepEqual(Object.keys(n.interfaces).sort(), Object.keys(networkInterfaces()).sort());
  assert.deepEqual(f.interfaces.split(',').sort(), Object.keys(networkInterfaces()).sort());
  assert.equal(n.interfaces.lo.ip, '127.0.0.1');
  assert.equal(n.interfaces.lo.netmask, '255.0.0.0');
  assert.equal(n.interfaces.lo.network, '127.0.0.0');
  if (n.interfaces.lo.ip6) assert.equal(n.interfaces.lo.scope6, 'host');
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    const v4 = (addrs ?? []).filter((a) => a.family === 'IPv4').map((a) => a.address);
    assert.deepEqual((n.interfaces[name].bindings ?? []).map((b: Any) => b.address), v4);
    const mtu = Number(readFileSync(`/sys/class/net/${name}/mtu`, 'utf8'));
    assert.equal(n.interfaces[name].mtu, mtu);
  }
  if (n.primary) {
    assert.ok(n.primary in n.interfaces);
    assert.equal(n.ip, n.interfaces[n.primary].ip);
    assert.equal(f.ipaddress, n.ip);
  }
  assert.equal(n.hostname, f.hostname);
  assert.equal(n.fqdn, f.fqdn);
  assert.ok(f.fqdn.startsWith(f.hostname));
});

test('mountpoints agree with statfs, disks with /sys/block, virtual with the container markers', async () => {
  const f = await collectFacts({ names: ['mountpoints', 'disks', 'virtual', 'is_virtual', 'filesystems'], externalDirs: [] }) as Any;
  const root = f.mountpoints['/'];
  const st = statfsSync('/');
  assert.equal(root.size_bytes, st.blocks * st.bsize);
  assert.ok(Math.abs(root.available_bytes - st.bavail * st.bsize) < 64 * 1024 * 1024);
  assert.equal(root.size, humanSize(root.size_bytes));
  assert.match(root.capacity, /^\d+\.\d\d%$/);
  assert.ok(Array.isArray(root.options) && root.options.length > 0);
  assert.equal(typeof root.filesystem, 'string');
  assert.equal(typeof f.filesystems, 'string');
  for (const [name, disk] of Object.entries(f.disks as Any)) {
    assert.equal(disk.size_bytes, Number(readFileSync(`/sys/block/${name}/size`, 'utf8')) * 512);
  }
  assert.equal(f.is_virtual, f.virtual !== 'physical');
  if (existsSync('/.dockerenv')) assert.equal(f.virtual, 'docker');
});

test('asking for some facts runs only their resolvers', async () => {
  const trace: string[] = [];
  const f = await collectFacts({ names: ['os'], externalDirs: [], trace });
  assert.deepEqual(trace, ['os']);
  assert.deepEqual(lastResolved, ['os']);
  assert.deepEqual(Object.keys(f), ['os']);

  const dotted: string[] = [];
  const g = await collectFacts({ names: ['os.release.major'], externalDirs: [], trace: dotted });
  assert.deepEqual(dotted, ['os']);
  assert.deepEqual(Object.keys(g), ['os']);

  const two: string[] = [];
  const h = await collectFacts({ names: ['memory.system.total_bytes', 'processorcount'], externalDirs: [], trace: two });
  assert.deepEqual(two.sort(), ['memory', 'processors']);
  assert.deepEqual(Object.keys(h).sort(), ['memory', 'processorcount']);

  const none: string[] = [];
  assert.deepEqual(await collectFacts({ names: ['no_such_fact'], externalDirs: [], trace: none }), {});
  assert.deepEqual(none, []);
  assert.deepEqual(resolversFor(['os.family', 'kernel']), ['os', 'kernel']);
  assert.ok(resolversFor().length >= 10);
});

test('external facts in YAML, JSON, key=value text and executables; they override core facts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-facts-'));
  try {
    writeFileSync(join(dir, 'a.yaml'), 'role: web\ndatacenter: { name: ams1 }\n');
    writeFileSync(join(dir, 'a2.yml'), 'tier: 2\n');
    writeFileSync(join(dir, 'b.json'), '{"owner": "ops", "kernel": "Overridden"}');
    writeFileSync(join(dir, 'c.txt'), 'rack=r12\n# comment\nrow = 3\n');
    writeFileSync(join(dir, 'd.sh'), '#!/bin/sh\necho "from_script=yes"\necho "osfamily=Custom"\n');
    writeFileSync(join(dir, 'e.sh'), '#!/bin/sh\necho \'{"json_script": {"n": 1}}\'\n');
    writeFileSync(join(dir, 'f.sh'), '#!/bin/sh\nprintf -- "---\\nyaml_script:\\n  - a\\n  - b\\n"\n');
    writeFileSync(join(dir, 'g.sh'), '#!/bin/sh\necho not_run=1\n'); // not executable: ignored
    for (const s of ['d.sh', 'e.sh', 'f.sh']) chmodSync(join(dir, s), 0o755);
    const f = await collectFacts({ externalDirs: [dir] }) as Any;
    assert.equal(f.role, 'web');
    assert.deepEqual(f.datacenter, { name: 'ams1' });
    assert.equal(f.tier, 2);
    assert.equal(f.owner, 'ops');
    assert.equal(f.kernel, 'Overridden');
    assert.equal(f.rack, 'r12');
    assert.equal(f.row, '3');
    assert.equal(f.from_script, 'yes');
    assert.equal(f.osfamily, 'Custom');
    assert.deepEqual(f.json_script, { n: 1 });
    assert.deepEqual(f.yaml_script, ['a', 'b']);
    assert.equal(f.not_run, undefined);
    assert.equal(typeof f.os, 'object'); // core facts still there

    // With names, only the named external facts come back, still overriding.
    const only = await collectFacts({ names: ['kernel', 'rack'], externalDirs: [dir] });
    assert.deepEqual(only, { kernel: 'Overridden', rack: 'r12' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('external facts: later folders win, broken files and slow executables are skipped with a warning', async () => {
  const a = mkdtempSync(join(tmpdir(), 'kasper-facts-a-'));
  const b = mkdtempSync(join(tmpdir(), 'kasper-facts-b-'));
  const warnings: string[] = [];
  const onWarning = (w: Error & { code?: string }) => warnings.push(`[${w.code}] ${w.message}`);
  process.on('warning', onWarning);
  try {
    writeFileSync(join(a, 'x.txt'), 'site=a\nkeep=yes\n');
    writeFileSync(join(b, 'x.txt'), 'site=b\n');
    writeFileSync(join(b, 'broken.json'), '{ not json');
    writeFileSync(join(b, 'list.yaml'), '- not\n- a map\n');
    writeFileSync(join(b, 'slow.sh'), '#!/bin/sh\nexec sleep 5\n');
    chmodSync(join(b, 'slow.sh'), 0o755);
    writeFileSync(join(b, 'fails.sh'), '#!/bin/sh\necho no database >&2\nexit 3\n');
    chmodSync(join(b, 'fails.sh'), 0o755);
    const started = Date.now();
    const f = await loadExternalFacts([a, b, join(a, 'missing')], 300);
    assert.ok(Date.now() - started < 4000, 'the slow executable was stopped at its time limit');
    assert.deepEqual(f, { site: 'b', keep: 'yes' });
    await new Promise((r) => setImmediate(r));
    assert.ok(warnings.some((w) => w.startsWith(`[KSP-FACTS-001] Could not read external facts from ${join(b, 'broken.json')}: `)), warnings.join('\n'));
    assert.ok(warnings.includes(`[KSP-FACTS-002] Could not read external facts from ${join(b, 'list.yaml')}: it holds a list, not a map of facts`), warnings.join('\n'));
    assert.ok(warnings.includes(`[KSP-FACTS-003] Could not read external facts from ${join(b, 'slow.sh')}: timed out after 300 ms`), warnings.join('\n'));
    assert.ok(warnings.includes(`[KSP-FACTS-004] Could not read external facts from ${join(b, 'fails.sh')}: exited with 3: no database`), warnings.join('\n'));
  } finally {
    process.off('warning', onWarning);
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test('human-readable sizes as Facter writes them', () => {
  assert.equal(humanSize(512), '512 bytes');
  assert.equal(humanSize(1024), '1.00 KiB');
  assert.equal(humanSize(16_664_797_184), '15.52 GiB');
  assert.equal(humanSize(2 * 1024 ** 4), '2.00 TiB');
});

test('facts print as JSON or YAML, whole or one by dotted name', () => {
  const facts = { os: { release: { major: '12' }, name: 'Debian' }, list: ['a', 'b'], n: 4 };
  assert.deepEqual(JSON.parse(formatFacts(facts, { format: 'json' })), facts);
  assert.equal(formatFacts(facts, { format: 'json', name: 'os.release.major' }), '"12"\n');
  assert.equal(formatFacts(facts, { format: 'json', name: 'n' }), '4\n');
  assert.deepEqual(JSON.parse(formatFacts(facts, { format: 'json', name: 'os.release' })), { major: '12' });
  assert.equal(formatFacts(facts, { format: 'yaml', name: 'os.release.major' }), '12\n');
  assert.equal(formatFacts(facts, { format: 'yaml', name: 'list.1' }), 'b\n');
  assert.equal(formatFacts(facts, { format: 'yaml', name: 'os.release' }), 'major: "12"\n');
  assert.match(formatFacts(facts, { format: 'yaml' }), /os:\n {2}release:\n {4}major: "12"/);
  assert.throws(() => formatFacts(facts, { format: 'json', name: 'os.nope' }), { name: 'KasperError', code: 'KSP-FACTS-005', message: "no fact named 'os.nope'" });
  assert.throws(() => formatFacts(facts, { format: 'yaml', name: 'nope' }), /no fact named 'nope'/);
});

test('canonicalNameFromHosts: the official name of the first line naming the host, without case, comments ignored', () => {
  const hosts = '# vm.commented\n127.0.0.1 localhost\n10.0.0.1   Other.example.org  VM vm.alias # trailing vm.x\n127.0.1.1 vm.example.org vm\n';
  assert.equal(canonicalNameFromHosts('vm', hosts), 'Other.example.org');
  assert.equal(canonicalNameFromHosts('vm.alias', hosts), 'Other.example.org');
  assert.equal(canonicalNameFromHosts('localhost', hosts), 'localhost');
  assert.equal(canonicalNameFromHosts('vm.commented', hosts), undefined);
  assert.equal(canonicalNameFromHosts('nope', hosts), undefined);
});

// Differential: hostname, fqdn and domain as Facter resolves them, for several /etc/hosts and
// /etc/resolv.conf contents (bind-mounted in a private mount namespace), including a host the hosts
// file does not name (then `hostname -f` asks DNS, which here answers nothing).
test('hostname, fqdn and domain are what Facter says, for several hosts and resolv.conf files', async (t) => {
  if (!needs(t, isRoot && hasCommand('unshare') && hasCommand('facter'), 'needs root, unshare and facter (puppet-agent)')) return;
  const me = hostname().split('.')[0];
  if (!needs(t, !hostname().includes('.'), 'the host name has a domain; nothing is resolved')) return;
  const dir = mkdtempSync(join(tmpdir(), 'kasper-fqdn-'));
  const node = process.execPath;
  const script = join(dir, 'facts.ts');
  writeFileSync(script, `import { collectFacts } from ${JSON.stringify(join(import.meta.dirname, '../src/index.ts'))};\n` +
    `const f = await collectFacts({ names: ['hostname', 'fqdn', 'domain'], externalDirs: [] });\n` +
    `console.log(JSON.stringify({ hostname: f.hostname, fqdn: f.fqdn, domain: f.domain }));\n`);
  const cases: [string, string][] = [
    [`127.0.0.1 localhost\n127.0.1.1 ${me}.example.org ${me}\n`, 'nameserver 127.0.0.1\n'],
    [`127.0.1.1 ${me.toUpperCase()}.Example.org ${me}\n`, 'nameserver 127.0.0.1\nsearch s.test\n'],
    [`127.0.1.1 other-name ${me}\n`, 'nameserver 127.0.0.1\nsearch s.test t.test\n'],
    [`127.0.0.1 ${me}\n`, 'domain d.test\nnameserver 127.0.0.1\n'],
    ['127.0.0.1 localhost\n', 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\nsearch s.test\n'],
  ];
  try {
    for (const [i, [hosts, resolv]] of cases.entries()) {
      writeFileSync(join(dir, `hosts${i}`), hosts);
      writeFileSync(join(dir, `resolv${i}`), resolv);
      const inNamespace = (cmd: string) => execFileSync('unshare', ['-m', 'sh', '-c',
        `mount --bind "$0" /etc/hosts && mount --bind "$1" /etc/resolv.conf && ${cmd}`, join(dir, `hosts${i}`), join(dir, `resolv${i}`)], { encoding: 'utf8' });
      const facter = JSON.parse(inNamespace('facter --json hostname fqdn domain'));
      const ours = JSON.parse(inNamespace(`"${node}" "${script}"`));
      assert.deepEqual(ours, { hostname: facter.hostname, fqdn: facter.fqdn, domain: facter.domain ?? '' }, `hosts: ${JSON.stringify(hosts)}, resolv.conf: ${JSON.stringify(resolv)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
