// A simulated fleet for the query API benchmark: node names, about a hundred facts each
// (structured ones among them), a 500-resource catalog, and a report with a status for every
// resource (ten changed).
export const RESOURCES = 500;
export const nodeName = (i: number) => `node${String(i).padStart(5, '0')}.bench.example.com`;
export const ROLES = ['web', 'db', 'app', 'cache', 'lb'];

export function facts(i: number): Record<string, unknown> {
  const name = nodeName(i);
  const f: Record<string, unknown> = {
    fqdn: name, hostname: name.split('.')[0], domain: 'bench.example.com', kernel: 'Linux', kernelrelease: '6.1.0-18-amd64',
    os: { family: i % 3 ? 'Debian' : 'RedHat', name: i % 3 ? 'Debian' : 'Rocky', release: { full: i % 3 ? '12.5' : '9.3', major: i % 3 ? '12' : '9' }, selinux: { enabled: false } },
    processors: { count: 2 + (i % 8), models: Array.from({ length: 2 + (i % 8) }, () => 'Intel(R) Xeon(R) CPU @ 2.20GHz'), physicalcount: 1 },
    networking: {
      hostname: name.split('.')[0], fqdn: name, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, primary: 'eth0',
      interfaces: { eth0: { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, mac: `aa:bb:cc:${(i >> 16) & 255}:${(i >> 8) & 255}:${i & 255}`, mtu: 1500 }, lo: { ip: '127.0.0.1', mtu: 65536 } },
    },
    memory: { system: { total_bytes: 8_254_251_008, used_bytes: 2_147_483_648 + i, capacity: '26.02%' } },
    uptime_seconds: 1000 + i * 37, role: ROLES[i % ROLES.length], datacenter: i % 2 ? 'fra1' : 'ams1', is_virtual: true,
    mountpoints: { '/': { device: '/dev/sda1', filesystem: 'ext4', options: ['rw', 'relatime'], size_bytes: 53_687_091_200 } },
  };
  // The long tail of flat facts every real node has.
  for (let k = 0; k < 80; k++) f[`custom_fact_${k}`] = k % 4 === 0 ? k * i : `value-${k}-${i % 50}`;
  return f;
}

export function catalog(i: number): string {
  const resources: Record<string, unknown>[] = [
    { type: 'Stage', title: 'main', tags: ['stage'], exported: false, parameters: { name: 'main' } },
    { type: 'Class', title: 'main', tags: ['class'], exported: false, parameters: { name: 'main' } },
    { type: 'Class', title: 'Profile::Base', tags: ['class', 'profile::base', 'profile', 'base'], exported: false },
  ];
  const edges: { source: string; target: string }[] = [{ source: 'Stage[main]', target: 'Class[main]' }, { source: 'Stage[main]', target: 'Class[Profile::Base]' }];
  for (let r = 0; resources.length < RESOURCES; r++) {
    const kind = r % 5;
    const res = kind === 0 ? { type: 'Package', title: `pkg-${r}`, parameters: { ensure: 'installed' } }
      : kind === 1 ? { type: 'Service', title: `svc-${r}`, parameters: { ensure: 'running', enable: true, require: `Package[pkg-${r - 1}]` } }
        : kind === 2 ? { type: 'User', title: `user${r}`, parameters: { ensure: 'present', uid: 1000 + r, groups: ['adm', 'www-data'] } }
          : { type: 'File', title: `/etc/app/conf.d/file-${r}.conf`, parameters: { ensure: 'file', owner: 'root', mode: '0644', content: `setting_${r} = ${i}\n` } };
    resources.push({ ...res, tags: [res.type.toLowerCase(), 'class', 'profile::base', 'profile', 'base'], file: '/etc/puppetlabs/code/environments/production/modules/profile/manifests/base.pp', line: r + 1, exported: false });
    edges.push({ source: 'Class[Profile::Base]', target: `${res.type}[${res.title}]` });
  }
  return JSON.stringify({ tags: ['settings', 'profile::base'], name: nodeName(i), version: String(1741600000 + i), code_id: null, catalog_uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, catalog_format: 2, environment: 'production', resources, edges });
}

export function report(i: number, at: Date): Record<string, unknown> {
  const time = at.toISOString();
  const statuses: Record<string, unknown> = {};
  for (let r = 0; r < RESOURCES; r++) {
    const changed = r < 10;
    const ref = `File[/etc/app/conf.d/file-${r}.conf]`;
    statuses[ref] = {
      title: `/etc/app/conf.d/file-${r}.conf`, file: '/etc/puppetlabs/code/environments/production/modules/profile/manifests/base.pp', line: r + 1,
      resource: ref, resource_type: 'File', provider_used: 'posix', containment_path: ['Stage[main]', 'Profile::Base', ref], evaluation_time: 0.0005,
      tags: ['file', 'class', 'profile::base'], time, failed: false, failed_to_restart: false, changed, out_of_sync: changed, skipped: false,
      change_count: changed ? 1 : 0, out_of_sync_count: changed ? 1 : 0, corrective_change: false,
      events: changed ? [{ audited: false, property: 'content', previous_value: '{sha256}aa', desired_value: '{sha256}bb', historical_value: null, message: 'content changed', name: 'content_changed', status: 'success', time, redacted: null, corrective_change: false }] : [],
    };
  }
  return {
    host: nodeName(i), time, configuration_version: String(1741600000 + i), transaction_uuid: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
    report_format: 12, puppet_version: '7.23.0', status: 'changed', transaction_completed: true, noop: false, noop_pending: false, environment: 'production',
    logs: [{ level: 'notice', message: 'Applied catalog in 2.10 seconds', source: 'Puppet', tags: ['notice'], time, file: null, line: null }],
    metrics: { time: { name: 'time', label: 'Time', values: [['total', 'Total', 2.1]] }, resources: { name: 'resources', label: 'Resources', values: [['total', 'Total', RESOURCES], ['changed', 'Changed', 10]] } },
    resource_statuses: statuses, corrective_change: false, cached_catalog_status: 'not_used', catalog_uuid: null, code_id: null, job_id: null,
  };
}

