// The fleet both sides of the PuppetDB comparison store: five nodes with structured facts and
// trusted data, Puppet 7 catalogs (as the master compiles them, relationships as metaparameters),
// and Puppet 7 reports (format 12: changed, unchanged, failed with a skipped resource, noop, a
// cached catalog), one node deactivated. Timestamps are fixed, so everything PuppetDB derives from
// them (report hashes, run times) is too.
//
// `npx node test/puppetdb/fleet.ts` writes fixtures/fleet.json, which regenerate.sh feeds to
// PuppetDB and pypuppetdb.test.ts stores in Kasper.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MASTER = 'puppet.example.com';

export interface FleetNode {
  certname: string;
  environment: string;
  facts: { values: Record<string, unknown>; producer_timestamp: string };
  trusted: Record<string, unknown>;
  catalog?: { catalog: Record<string, unknown>; transaction_uuid: string; producer_timestamp: string };
  reports: { report: Record<string, unknown>; producer_timestamp: string }[];
  /** Deactivated (PuppetDB's `deactivate node` command) at this time. */
  deactivated?: string;
}

export interface Fleet {
  master: string;
  nodes: FleetNode[];
}

const SITE = '/etc/puppetlabs/code/environments/ENV/manifests/site.pp';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function facts(name: string, os: { family: string; release: string }, extra: Record<string, unknown>): Record<string, unknown> {
  const [host, ...domain] = name.split('.');
  return {
    fqdn: name, hostname: host, domain: domain.join('.'), kernel: 'Linux', kernelrelease: '6.1.0-18-amd64',
    os: { family: os.family, name: os.family, architecture: 'amd64', release: { full: os.release, major: os.release.split('.')[0] }, selinux: { enabled: false } },
    processors: { count: 4, models: ['Intel(R) Xeon(R) CPU @ 2.20GHz', 'Intel(R) Xeon(R) CPU @ 2.20GHz'], physicalcount: 1 },
    networking: {
      hostname: host, fqdn: name, ip: extra.ip, mac: extra.mac, primary: 'eth0',
      interfaces: { eth0: { ip: extra.ip, mac: extra.mac, mtu: 1500 }, lo: { ip: '127.0.0.1', mtu: 65536 } },
    },
    memory: { system: { total_bytes: 8_254_251_008, used_bytes: 2_147_483_648, capacity: '26.02%' } },
    uptime_seconds: extra.uptime, is_virtual: true, load_averages: { '1m': 0.25, '5m': 0.5, '15m': 1.25 },
    disks: { sda: { size_bytes: 53_687_091_200, model: 'QEMU HARDDISK' } },
    mountpoints: { '/': { device: '/dev/sda1', filesystem: 'ext4', options: ['rw', 'relatime'] } },
    path: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => !['ip', 'mac', 'uptime'].includes(k))),
  };
}

function trusted(name: string, extensions: Record<string, string>): Record<string, unknown> {
  const [host, ...domain] = name.split('.');
  return { authenticated: 'remote', certname: name, domain: domain.join('.'), extensions, hostname: host, external: {} };
}

interface Res {
  type: string;
  title: string;
  tags: string[];
  line?: number;
  exported?: boolean;
  parameters?: Record<string, unknown>;
}

/** A catalog as the master compiles it: main stage, classes, the node's resources, containment edges. */
function catalog(name: string, env: string, version: string, classes: { name: string; resources: Res[] }[]): Record<string, unknown> {
  const file = SITE.replace('ENV', env);
  const resources: Record<string, unknown>[] = [
    { type: 'Stage', title: 'main', tags: ['stage'], exported: false, parameters: { name: 'main' } },
    { type: 'Class', title: 'Settings', tags: ['class', 'settings'], exported: false },
    { type: 'Class', title: 'main', tags: ['class'], exported: false, parameters: { name: 'main' } },
  ];
  const edges: { source: string; target: string }[] = [
    { source: 'Stage[main]', target: 'Class[Settings]' },
    { source: 'Stage[main]', target: 'Class[main]' },
  ];
  for (const c of classes) {
    const title = c.name.split('::').map((s) => s[0].toUpperCase() + s.slice(1)).join('::');
    resources.push({ type: 'Class', title, tags: ['class', ...c.name.split('::')], file, line: 1, exported: false });
    edges.push({ source: 'Stage[main]', target: `Class[${title}]` });
    for (const r of c.resources) {
      resources.push({ type: r.type, title: r.title, tags: r.tags, file, line: r.line ?? 1, exported: r.exported ?? false, ...(r.parameters ? { parameters: r.parameters } : {}) });
      edges.push({ source: `Class[${title}]`, target: `${r.type}[${r.title}]` });
    }
  }
  return {
    tags: ['settings', ...classes.map((c) => c.name)], name, version, code_id: null, catalog_uuid: uuid(Number.parseInt(version, 10) % 1000),
    catalog_format: 2, environment: env, resources, edges, classes: ['settings', ...classes.map((c) => c.name)],
  };
}

interface Ev {
  property: string;
  previous: unknown;
  desired: unknown;
  message: string;
  name: string;
  status: 'success' | 'failure' | 'noop';
  corrective?: boolean;
}

interface Status {
  type: string;
  title: string;
  line: number;
  klass: string;
  events?: Ev[];
  skipped?: boolean;
  failed?: boolean;
}

/** A Puppet 7 report (format 12) with one resource status per resource, and its metrics. */
function report(o: {
  host: string; env: string; time: string; version: string; txn: string; status: string; noop?: boolean; noopPending?: boolean;
  cached?: string; total: number; statuses: Status[]; logs: string[];
}): Record<string, unknown> {
  const file = SITE.replace('ENV', o.env);
  const at = (ms: number) => new Date(Date.parse(o.time) + ms).toISOString().replace('Z', '000000+00:00').replace(/\.(\d{3})000000/, '.$1123456');
  const statuses: Record<string, unknown> = {};
  let i = 0;
  let changed = 0;
  let failed = 0;
  let skipped = 0;
  let outOfSync = 0;
  let successes = 0;
  let failures = 0;
  let noops = 0;
  for (const s of o.statuses) {
    i++;
    const ref = `${s.type}[${s.title}]`;
    const classTitle = s.klass.split('::').map((p) => p[0].toUpperCase() + p.slice(1)).join('::');
    const events = (s.events ?? []).map((e, j) => ({
      audited: false, property: e.property, previous_value: e.previous, desired_value: e.desired, historical_value: null,
      message: e.message, name: e.name, status: e.status, time: at(1000 + i * 100 + j), redacted: null, corrective_change: e.corrective ?? false,
    }));
    const succ = events.filter((e) => e.status === 'success').length;
    successes += succ;
    failures += events.filter((e) => e.status === 'failure').length;
    noops += events.filter((e) => e.status === 'noop').length;
    if (succ) changed++;
    if (s.failed) failed++;
    if (s.skipped) skipped++;
    if (events.length) outOfSync++;
    statuses[ref] = {
      title: s.title, file, line: s.line, resource: ref, resource_type: s.type, provider_used: null,
      containment_path: ['Stage[main]', classTitle, ref], evaluation_time: 0.001 * i, tags: [s.type.toLowerCase(), 'class', ...s.klass.split('::')],
      time: at(1000 + i * 100), failed: s.failed ?? false, failed_to_restart: false, changed: succ > 0, out_of_sync: events.length > 0,
      skipped: s.skipped ?? false, change_count: succ, out_of_sync_count: events.length, events, corrective_change: events.some((e) => e.corrective_change),
    };
  }
  return {
    host: o.host, time: at(0), configuration_version: o.version, transaction_uuid: o.txn, report_format: 12, puppet_version: '7.23.0',
    status: o.status, transaction_completed: true, noop: o.noop ?? false, noop_pending: o.noopPending ?? false, environment: o.env,
    logs: o.logs.map((m, j) => ({ level: j === 0 ? 'info' : 'notice', message: m, source: 'Puppet', tags: [j === 0 ? 'info' : 'notice'], time: at(500 + j * 10), file: null, line: null })),
    metrics: {
      resources: {
        name: 'resources', label: 'Resources',
        values: [['total', 'Total', o.total], ['skipped', 'Skipped', skipped], ['failed', 'Failed', failed], ['failed_to_restart', 'Failed to restart', 0],
          ['restarted', 'Restarted', 0], ['changed', 'Changed', changed], ['out_of_sync', 'Out of sync', outOfSync], ['scheduled', 'Scheduled', 0],
          ['corrective_change', 'Corrective change', 0]],
      },
      time: { name: 'time', label: 'Time', values: [['file', 'File', 0.021], ['package', 'Package', 1.5], ['config_retrieval', 'Config retrieval', 0.75], ['total', 'Total', 3.25]] },
      changes: { name: 'changes', label: 'Changes', values: [['total', 'Total', successes]] },
      events: { name: 'events', label: 'Events', values: [['total', 'Total', successes + failures + noops], ['failure', 'Failure', failures], ['success', 'Success', successes], ['noop', 'Noop', noops]] },
    },
    resource_statuses: statuses, corrective_change: false, cached_catalog_status: o.cached ?? 'not_used',
    catalog_uuid: o.txn, code_id: null, job_id: null,
  };
}

const web = (env: string): { name: string; resources: Res[] }[] => [
  {
    name: 'nginx',
    resources: [
      { type: 'Package', title: 'nginx', tags: ['package', 'nginx', 'class', 'web'], line: 3, parameters: { ensure: 'installed', before: ['Service[nginx]'] } },
      { type: 'File', title: '/etc/nginx/nginx.conf', tags: ['file', 'nginx', 'class', 'web'], line: 7, parameters: { ensure: 'file', owner: 'root', mode: '0644', content: `worker_processes 4;\n# ${env}\n`, require: 'Package[nginx]', notify: 'Service[nginx]' } },
      { type: 'Service', title: 'nginx', tags: ['service', 'nginx', 'class', 'web'], line: 14, parameters: { ensure: 'running', enable: true } },
    ],
  },
  {
    name: 'base',
    resources: [
      { type: 'User', title: 'deploy', tags: ['user', 'base', 'class'], line: 20, parameters: { ensure: 'present', uid: 1001, groups: ['www-data', 'adm'], managehome: true } },
      { type: 'File', title: '/etc/motd', tags: ['file', 'base', 'class'], line: 26, parameters: { content: 'Managed by Puppet\n', subscribe: ['User[deploy]', 'Notify[hello]'] } },
      { type: 'Notify', title: 'hello', tags: ['notify', 'base', 'class'], line: 30, parameters: { message: 'hello from base' } },
      { type: 'Host', title: 'web.example.com', tags: ['host', 'base', 'class'], line: 33, exported: true, parameters: { ip: '10.0.0.10', host_aliases: ['web'] } },
    ],
  },
];

const db = (): { name: string; resources: Res[] }[] => [
  {
    name: 'postgresql::server',
    resources: [
      { type: 'Package', title: 'postgresql', tags: ['package', 'postgresql::server', 'postgresql', 'server', 'class', 'db'], line: 4, parameters: { ensure: '15' } },
      { type: 'Service', title: 'postgresql', tags: ['service', 'postgresql::server', 'postgresql', 'server', 'class', 'db'], line: 9, parameters: { ensure: 'running', require: 'Package[postgresql]' } },
      { type: 'Exec', title: 'initdb', tags: ['exec', 'postgresql::server', 'postgresql', 'server', 'class', 'db'], line: 12, parameters: { command: '/usr/bin/pg_createcluster 15 main', creates: '/var/lib/postgresql/15/main', before: 'Service[postgresql]' } },
    ],
  },
];

export function buildFleet(): Fleet {
  const nodes: FleetNode[] = [];
  // web01: changed, then unchanged.
  nodes.push({
    certname: 'web01.example.com', environment: 'production',
    facts: { values: facts('web01.example.com', { family: 'Debian', release: '12.5' }, { ip: '10.0.0.11', mac: 'aa:bb:cc:dd:ee:01', uptime: 86_400, role: 'web', datacenter: 'fra1', ssh_port: 22 }), producer_timestamp: '2025-03-10T10:00:00.000Z' },
    trusted: trusted('web01.example.com', { pp_role: 'web', pp_environment: 'production' }),
    catalog: { catalog: catalog('web01.example.com', 'production', '1741600800', web('production')), transaction_uuid: uuid(101), producer_timestamp: '2025-03-10T10:00:01.000Z' },
    reports: [
      {
        producer_timestamp: '2025-03-10T10:00:10.000Z',
        report: report({
          host: 'web01.example.com', env: 'production', time: '2025-03-10T10:00:02.000Z', version: '1741600800', txn: uuid(101), status: 'changed', total: 10,
          statuses: [
            { type: 'Package', title: 'nginx', line: 3, klass: 'nginx', events: [{ property: 'ensure', previous: 'purged', desired: 'present', message: "ensure changed 'purged' to 'present'", name: 'package_installed', status: 'success' }] },
            { type: 'File', title: '/etc/nginx/nginx.conf', line: 7, klass: 'nginx', events: [{ property: 'content', previous: '{sha256}0b1f', desired: '{sha256}9f2e', message: "content changed '{sha256}0b1f' to '{sha256}9f2e'", name: 'content_changed', status: 'success', corrective: true }, { property: 'mode', previous: '0600', desired: '0644', message: "mode changed '0600' to '0644'", name: 'mode_changed', status: 'success' }] },
            { type: 'Service', title: 'nginx', line: 14, klass: 'nginx', events: [{ property: 'ensure', previous: 'stopped', desired: 'running', message: "ensure changed 'stopped' to 'running'", name: 'service_started', status: 'success' }] },
            { type: 'User', title: 'deploy', line: 20, klass: 'base', events: [{ property: 'ensure', previous: 'absent', desired: 'present', message: 'created', name: 'user_created', status: 'success' }] },
            { type: 'Notify', title: 'hello', line: 30, klass: 'base', events: [{ property: 'message', previous: null, desired: 'hello from base', message: "defined 'message' as 'hello from base'", name: 'message_changed', status: 'success' }] },
            { type: 'File', title: '/etc/motd', line: 26, klass: 'base' },
          ],
          logs: ['Using environment \'production\'', 'Applied catalog in 3.25 seconds'],
        }),
      },
      {
        producer_timestamp: '2025-03-10T10:30:10.000Z',
        report: report({
          host: 'web01.example.com', env: 'production', time: '2025-03-10T10:30:02.000Z', version: '1741600800', txn: uuid(102), status: 'unchanged', total: 10,
          statuses: [
            { type: 'Notify', title: 'hello', line: 30, klass: 'base', events: [{ property: 'message', previous: null, desired: 'hello from base', message: "defined 'message' as 'hello from base'", name: 'message_changed', status: 'success' }] },
          ],
          logs: ['Using environment \'production\'', 'Applied catalog in 0.41 seconds'],
        }),
      },
    ],
  });
  // web02: the service fails, a dependent resource is skipped.
  nodes.push({
    certname: 'web02.example.com', environment: 'production',
    facts: { values: facts('web02.example.com', { family: 'Debian', release: '11.9' }, { ip: '10.0.0.12', mac: 'aa:bb:cc:dd:ee:02', uptime: 3_600, role: 'web', datacenter: 'ams1', ssh_port: 2222 }), producer_timestamp: '2025-03-10T10:05:00.000Z' },
    trusted: trusted('web02.example.com', { pp_role: 'web' }),
    catalog: { catalog: catalog('web02.example.com', 'production', '1741601100', web('production')), transaction_uuid: uuid(201), producer_timestamp: '2025-03-10T10:05:01.000Z' },
    reports: [{
      producer_timestamp: '2025-03-10T10:05:20.000Z',
      report: report({
        host: 'web02.example.com', env: 'production', time: '2025-03-10T10:05:02.000Z', version: '1741601100', txn: uuid(201), status: 'failed', total: 10,
        statuses: [
          { type: 'Service', title: 'nginx', line: 14, klass: 'nginx', failed: true, events: [{ property: 'ensure', previous: 'stopped', desired: 'running', message: 'Could not start Service[nginx]: Execution of \'/usr/sbin/service nginx start\' returned 1', name: 'service_started', status: 'failure' }] },
          { type: 'File', title: '/etc/motd', line: 26, klass: 'base', skipped: true },
          { type: 'User', title: 'deploy', line: 20, klass: 'base', events: [{ property: 'groups', previous: 'www-data', desired: ['www-data', 'adm'], message: "groups changed 'www-data' to 'adm,www-data'", name: 'groups_changed', status: 'success' }] },
        ],
        logs: ['Using environment \'production\'', 'Applied catalog in 1.02 seconds'],
      }),
    }],
  });
  // db01: a noop run in staging, on a cached catalog.
  nodes.push({
    certname: 'db01.example.com', environment: 'staging',
    facts: { values: facts('db01.example.com', { family: 'RedHat', release: '9.3' }, { ip: '10.0.1.21', mac: 'aa:bb:cc:dd:ee:21', uptime: 1_209_600, role: 'db', datacenter: 'fra1', ssh_port: 22, postgres_version: 15.4 }), producer_timestamp: '2025-03-10T10:10:00.000Z' },
    trusted: trusted('db01.example.com', { pp_role: 'db', pp_environment: 'staging' }),
    catalog: { catalog: catalog('db01.example.com', 'staging', '1741601400', db()), transaction_uuid: uuid(301), producer_timestamp: '2025-03-10T10:10:01.000Z' },
    reports: [{
      producer_timestamp: '2025-03-10T10:10:30.000Z',
      report: report({
        host: 'db01.example.com', env: 'staging', time: '2025-03-10T10:10:02.000Z', version: '1741601400', txn: uuid(301), status: 'unchanged', noop: true, noopPending: true,
        cached: 'explicitly_requested', total: 6,
        statuses: [
          { type: 'Package', title: 'postgresql', line: 4, klass: 'postgresql::server', events: [{ property: 'ensure', previous: '13', desired: '15', message: "current_value '13', should be '15' (noop)", name: 'package_changed', status: 'noop' }] },
          { type: 'Service', title: 'postgresql', line: 9, klass: 'postgresql::server', events: [{ property: 'ensure', previous: 'stopped', desired: 'running', message: "current_value 'stopped', should be 'running' (noop)", name: 'service_started', status: 'noop' }] },
        ],
        logs: ['Using environment \'staging\'', 'Applied catalog in 0.88 seconds'],
      }),
    }],
  });
  // app01: facts and a catalog, no report yet.
  nodes.push({
    certname: 'app01.example.com', environment: 'production',
    facts: { values: facts('app01.example.com', { family: 'Debian', release: '12.5' }, { ip: '10.0.2.31', mac: 'aa:bb:cc:dd:ee:31', uptime: 600, role: 'app', datacenter: 'ams1', ssh_port: 22 }), producer_timestamp: '2025-03-10T10:15:00.000Z' },
    trusted: trusted('app01.example.com', {}),
    catalog: { catalog: catalog('app01.example.com', 'production', '1741601700', [web('production')[1]]), transaction_uuid: uuid(401), producer_timestamp: '2025-03-10T10:15:01.000Z' },
    reports: [],
  });
  // old01: reported once, then deactivated.
  nodes.push({
    certname: 'old01.example.com', environment: 'production',
    facts: { values: facts('old01.example.com', { family: 'Debian', release: '10.13' }, { ip: '10.0.9.91', mac: 'aa:bb:cc:dd:ee:91', uptime: 99, role: 'legacy', datacenter: 'fra1', ssh_port: 22 }), producer_timestamp: '2025-03-09T08:00:00.000Z' },
    trusted: trusted('old01.example.com', {}),
    reports: [{
      producer_timestamp: '2025-03-09T08:00:30.000Z',
      report: report({
        host: 'old01.example.com', env: 'production', time: '2025-03-09T08:00:02.000Z', version: '1741507200', txn: uuid(901), status: 'unchanged', total: 4,
        statuses: [], logs: ['Using environment \'production\'', 'Applied catalog in 0.12 seconds'],
      }),
    }],
    deactivated: '2025-03-10T09:00:00.000Z',
  });
  return { master: MASTER, nodes };
}

if (import.meta.main) {
  const out = join(import.meta.dirname, 'fixtures', 'fleet.json');
  writeFileSync(out, `${JSON.stringify(buildFleet(), null, 1)}\n`);
  console.log(`wrote ${out}`);
}
