// The transaction on a recording executor: the commands it causes, in order; events and the
// status counters they imply; noop; failures skipping dependents and nothing else; refresh;
// and the report's JSON in Puppet's shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog } from '@kasper/catalog';
import type { Executor, Provider, Registry } from '@kasper/providers';
import { Transaction, type Report, type ResourceStatus } from '../src/index.ts';
import { bucketDir, catalogOf, changes, host, kvProvider, recorder, registry } from './fixtures.ts';

async function run(catalog: Catalog, exec: Executor, options: { noop?: boolean; registry?: Registry } = {}) {
  const lines: string[] = [];
  const t = new Transaction(catalog, {
    noop: options.noop, registry: options.registry ?? registry(), host, exec, bucketDir: bucketDir(),
    onLog: (level, source, message) => lines.push(`${level}: ${source}: ${message}`),
  });
  return { report: await t.run(), lines };
}

/** Every status's counters agree with its events: what Puppet's report consumers rely on. */
function assertCountersFollowEvents(report: Report): void {
  for (const s of report.statuses) {
    const counted = s.events.filter((e) => e.status !== 'audit').length;
    const succeeded = s.events.filter((e) => e.status === 'success').length;
    const where = `${s.resource}: ${JSON.stringify(s)}`;
    assert.equal(s.out_of_sync_count, counted, where);
    assert.equal(s.out_of_sync, counted > 0, where);
    assert.equal(s.change_count, succeeded, where);
    assert.equal(s.changed, succeeded > 0, where);
    if (s.events.some((e) => e.status === 'failure')) assert.equal(s.failed, true, where);
  }
}

const status = (report: Report, ref: string): ResourceStatus => report.resource_statuses[ref];

test('resources are synced in dependency order; events and counters say what changed', async () => {
  const exec = recorder({ same: '1', old: 'x' });
  const { report, lines } = await run(catalogOf([
    { title: 'later', params: { value: '2', require: 'Kv[old]' } },
    { title: 'same', params: { value: '1' } },
    { title: 'old', params: { value: 'y' } },
  ]), exec);
  assert.deepEqual(changes(exec), ['kv set old y', 'kv set later 2']);
  assert.equal(report.status, 'changed');
  assert.equal(report.detailedExitCode, 2);
  const old = status(report, 'Kv[old]');
  assert.deepEqual(old.events.map((e) => [e.property, e.previous_value, e.desired_value, e.status, e.name]), [['value', 'x', 'y', 'success', 'value_changed']]);
  assert.equal(old.provider_used, 'kv_cli');
  assert.deepEqual(old.containment_path, ['Main', 'Kv[old]']);
  assert.deepEqual(status(report, 'Kv[same]').events, []);
  assert.equal(status(report, 'Kv[same]').changed, false);
  assertCountersFollowEvents(report);
  assert.ok(lines.includes("notice: /Main/Kv[old]/value: value changed 'x' to 'y'"), lines.join('\n'));
  // A second run on the converged host changes nothing.
  const converged = recorder({ same: '1', old: 'y', later: '2' });
  const second = await run(catalogOf([
    { title: 'later', params: { value: '2', require: 'Kv[old]' } }, { title: 'same', params: { value: '1' } }, { title: 'old', params: { value: 'y' } },
  ]), converged);
  assert.deepEqual(changes(converged), []);
  assert.equal(second.report.status, 'unchanged');
  assert.equal(second.report.detailedExitCode, 0);
});

test('noop runs no change, records noop events, and says what a refresh would do', async () => {
  const exec = recorder({ conf: 'old' });
  const { report, lines } = await run(catalogOf([
    { title: 'conf', params: { value: 'new', notify: 'Kv[daemon]' } },
    { title: 'daemon', params: { value: 'on' } },
  ]), exec, { noop: true });
  assert.deepEqual(changes(exec), []);
  const conf = status(report, 'Kv[conf]');
  assert.deepEqual(conf.events.map((e) => e.status), ['noop']);
  assert.equal(conf.out_of_sync, true);
  assert.equal(conf.changed, false);
  assertCountersFollowEvents(report);
  assert.equal(report.noop, true);
  assert.equal(report.noopPending, true);
  assert.equal(report.status, 'unchanged');
  assert.ok(lines.includes("notice: /Main/Kv[conf]/value: current_value 'old', should be 'new' (noop)"), lines.join('\n'));
  assert.ok(lines.includes("notice: /Main/Kv[daemon]: Would have triggered 'refresh' from 1 event"), lines.join('\n'));
  // `noop => true` on one resource holds back that one only.
  const one = recorder();
  const partial = await run(catalogOf([{ title: 'held', params: { value: '1', noop: true } }, { title: 'done', params: { value: '1' } }]), one);
  assert.deepEqual(changes(one), ['kv set done 1']);
  assert.deepEqual(status(partial.report, 'Kv[held]').events.map((e) => e.status), ['noop']);
});

test('a failure skips what depends on it, directly or not, and nothing else', async () => {
  const exec = recorder({}, ['db']);
  const { report, lines } = await run(catalogOf([
    { title: 'db', params: { value: '1' } },
    { title: 'app', params: { value: '1', require: 'Kv[db]' } },
    { title: 'web', params: { value: '1', require: 'Kv[app]' } },
    { title: 'other', params: { value: '1' } },
  ]), exec);
  assert.deepEqual(changes(exec), ['kv set db 1', 'kv set other 1']);
  const db = status(report, 'Kv[db]');
  assert.equal(db.failed, true);
  assert.deepEqual(db.events.map((e) => [e.status, e.message]), [['failure', "change from 'absent' to '1' failed: kv set db failed: disk full"]]);
  for (const ref of ['Kv[app]', 'Kv[web]']) {
    assert.equal(status(report, ref).skipped, true, ref);
    assert.deepEqual(status(report, ref).events, []);
  }
  assert.equal(status(report, 'Kv[other]').changed, true);
  assertCountersFollowEvents(report);
  assert.equal(report.status, 'failed');
  assert.equal(report.detailedExitCode, 6);
  assert.ok(lines.includes('err: /Main/Kv[db]: kv set db failed: disk full'), lines.join('\n'));
  assert.ok(lines.includes('warning: /Main/Kv[web]: Skipping because of failed dependencies'), lines.join('\n'));
  const m = Object.fromEntries(report.metrics().resources.values.map(([k, , v]) => [k, v]));
  assert.deepEqual([m.total, m.failed, m.skipped, m.changed, m.out_of_sync], [4, 1, 2, 1, 2]);
});

test('unknown types and parameters fail their resource alone', async () => {
  const exec = recorder();
  const { report } = await run(catalogOf([
    { type: 'Nosuch', title: 'x' },
    { title: 'typo', params: { vlaue: '1' } },
    { title: 'fine', params: { value: '1' } },
  ]), exec);
  assert.equal(status(report, 'Nosuch[x]').failed, true);
  assert.equal(status(report, 'Kv[typo]').failed, true);
  assert.equal(status(report, 'Kv[fine]').changed, true);
  assert.match(report.logs.find((l) => l.source === '/Main/Kv[typo]')!.message, /no parameter named 'vlaue'/);
  // Each log line keeps the code of the error it reports, the providers' as the agent's, in the report's JSON too.
  const logs = (JSON.parse(JSON.stringify(report)) as { logs: { source: string; message: string; code?: string }[] }).logs;
  const nosuch = logs.find((l) => l.source === '/Main/Nosuch[x]')!;
  assert.deepEqual([nosuch.code, nosuch.message], ['KSP-PROVIDERS-031', "Kasper has no resource type 'nosuch'"]);
  assert.equal(logs.find((l) => l.source === '/Main/Kv[typo]')!.code, 'KSP-AGENT-015');
  const fine = logs.filter((l) => l.source.startsWith('/Main/Kv[fine]'));
  assert.ok(fine.length > 0 && fine.every((l) => !('code' in l)), 'a line with no error has no code');
});

test('a change refreshes its subscribers once, whatever the number of events; no change, no refresh', async () => {
  const exec = recorder({ quiet: '1', daemon: 'on' });
  const { report, lines } = await run(catalogOf([
    { title: 'a', params: { value: '1', notify: 'Kv[daemon]' } },
    { title: 'b', params: { value: '1', notify: 'Kv[daemon]' } },
    { title: 'quiet', params: { value: '1', notify: 'Kv[other]' } },
    { title: 'daemon', params: { value: 'on' } },
    { title: 'other', params: { value: 'on', subscribe: 'Kv[quiet]' } },
  ]), exec);
  assert.deepEqual(changes(exec), ['kv set a 1', 'kv set b 1', 'kv reload daemon', 'kv set other on']);
  assert.ok(lines.includes("notice: /Main/Kv[daemon]: Triggered 'refresh' from 2 events"), lines.join('\n'));
  assert.equal(status(report, 'Kv[daemon]').changed, false);
});

test('a batch provider syncs every ready resource in one call; when the batch fails each is tried alone', async () => {
  const batches: string[][] = [];
  const batching: Provider = {
    ...kvProvider, name: 'kv_batch',
    async syncBatch(items, ctx) {
      batches.push(items.map((i) => i.r.name));
      if (items.some((i) => i.r.name === 'bad')) throw new Error('one of them is bad');
      for (const i of items) await kvProvider.sync(i.r, i.changes, ctx);
    },
  };
  const exec = recorder({ same: '0' });
  const ok = await run(catalogOf([
    { title: 'one', params: { value: '1' } },
    { title: 'same', params: { value: '0' } },
    { title: 'two', params: { value: '2' } },
  ]), exec, { registry: registry(batching) });
  assert.deepEqual(batches, [['one', 'two']]);
  assert.deepEqual(changes(exec), ['kv set one 1', 'kv set two 2']);
  assert.equal(ok.report.statuses.filter((s) => s.changed).length, 2);
  assertCountersFollowEvents(ok.report);

  batches.length = 0;
  const failing = recorder({}, ['bad']);
  const fell = await run(catalogOf([
    { title: 'good', params: { value: '1' } },
    { title: 'bad', params: { value: '2' } },
  ]), failing, { registry: registry(batching) });
  assert.deepEqual(batches, [['good', 'bad'], ['bad']]);
  assert.equal(status(fell.report, 'Kv[good]').changed, true);
  assert.equal(status(fell.report, 'Kv[bad]').failed, true);
  assertCountersFollowEvents(fell.report);
});

test('the report is Puppet\'s report format 12, with Sensitive values redacted', async () => {
  const exec = recorder({ token: 'old-secret' });
  const { report } = await run(catalogOf([
    { title: 'token', params: { value: 'new-secret' }, sensitive: ['value'] },
    { title: '/etc/plain', params: { value: 'x' } },
  ]), exec);
  const json = JSON.parse(JSON.stringify(report));
  assert.deepEqual(Object.keys(json), [
    'host', 'time', 'configuration_version', 'transaction_uuid', 'report_format', 'puppet_version', 'status',
    'transaction_completed', 'noop', 'noop_pending', 'environment', 'logs', 'metrics', 'resource_statuses',
    'corrective_change', 'cached_catalog_status', 'catalog_uuid', 'code_id', 'job_id', 'kind',
  ]);
  assert.equal(json.report_format, 12);
  assert.equal(json.host, 'unit.example.com');
  assert.equal(json.configuration_version, 7);
  assert.equal(json.environment, 'production');
  assert.equal(json.kind, 'apply');
  assert.equal(json.cached_catalog_status, 'not_used');
  assert.deepEqual(Object.keys(json.metrics), ['resources', 'time', 'changes', 'events']);
  assert.deepEqual(json.metrics.events.values, [['total', 'Total', 2], ['failure', 'Failure', 0], ['success', 'Success', 2], ['noop', 'Noop', 0]]);
  assert.deepEqual(json.metrics.changes.values, [['total', 'Total', 2]]);
  assert.deepEqual(json.metrics.time.values.map((v: unknown[]) => v[0]), ['kv', 'prefetch', 'total']);
  const status = json.resource_statuses['Kv[token]'];
  assert.deepEqual(Object.keys(status), [
    'title', 'file', 'line', 'resource', 'resource_type', 'provider_used', 'containment_path', 'evaluation_time', 'tags',
    'time', 'failed', 'failed_to_restart', 'changed', 'out_of_sync', 'skipped', 'change_count', 'out_of_sync_count',
    'events', 'corrective_change',
  ]);
  const [event] = status.events;
  assert.deepEqual([event.previous_value, event.desired_value, event.message, event.redacted], ['[redacted]', '[redacted]', 'changed [redacted] to [redacted]', true]);
  assert.equal(json.resource_statuses['Kv[/etc/plain]'].events[0].redacted, null);
  assert.deepEqual(json.resource_statuses['Kv[/etc/plain]'].containment_path, ['Main', 'Kv[/etc/plain]'], 'a title\'s slashes are not path separators');
  assert.ok(!JSON.stringify(json).includes('secret'), 'neither events nor logs show the value');
  assert.ok(report.logs.some((l) => l.source === '/Main/Kv[token]/value' && l.message === 'changed [redacted] to [redacted]'));
  assert.match(report.summary(), /^Applied catalog in \d+\.\d\d seconds: 2 resources, 2 changed$/);
});
