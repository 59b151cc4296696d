// The report model: counters follow events, the run's status and exit code follow the
// statuses, and the JSON is Puppet's report format 12.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog, Report, addEvent, parseCatalog, statusCounters, type EventStatus, type ReportEvent } from '../src/index.ts';

const event = (status: EventStatus, property = 'value'): ReportEvent => ({
  audited: status === 'audit', property, previous_value: 'a', desired_value: 'b', historical_value: null, message: 'm',
  name: `${property}_changed`, status, time: '2025-01-01T00:00:00.000Z', redacted: null, corrective_change: false,
});

function report(noop = false): Report {
  const c = new Catalog('n1.example.com', 'staging', 'abc123');
  return new Report(c, noop);
}

const resource = (title: string) => ({ type: 'File', title, tags: ['file'], exported: false, file: 'site.pp', line: 4, parameters: new Map() });

test('a status\'s counters are derived from its events, whatever order they come in', () => {
  const r = report();
  const s = r.newStatus(resource('/a'), ['Stage[main]', 'Main', 'File[/a]'], 'posix');
  assert.deepEqual(statusCounters(s.events), { changed: false, out_of_sync: false, change_count: 0, out_of_sync_count: 0 });
  addEvent(s, event('audit'));
  assert.deepEqual([s.changed, s.out_of_sync, s.change_count, s.out_of_sync_count], [false, false, 0, 0]);
  addEvent(s, event('success', 'mode'));
  addEvent(s, event('success', 'content'));
  assert.deepEqual([s.changed, s.out_of_sync, s.change_count, s.out_of_sync_count], [true, true, 2, 2]);
  assert.equal(s.failed, false);
  addEvent(s, event('failure', 'owner'));
  assert.deepEqual([s.changed, s.out_of_sync, s.change_count, s.out_of_sync_count, s.failed], [true, true, 2, 3, true]);
  const n = r.newStatus(resource('/b'), ['Stage[main]', 'Main', 'File[/b]'], 'posix');
  addEvent(n, event('noop'));
  assert.deepEqual([n.changed, n.out_of_sync, n.change_count, n.out_of_sync_count], [false, true, 0, 1]);
  assert.deepEqual(n.containment_path, ['Stage[main]', 'Main', 'File[/b]']);
});

test('the run\'s status and detailed exit code follow the statuses and error logs', () => {
  const quiet = report();
  quiet.newStatus(resource('/a'), ['Main', 'File[/a]'], undefined);
  assert.equal(quiet.status, 'unchanged');
  assert.equal(quiet.detailedExitCode, 0);

  const changed = report();
  addEvent(changed.newStatus(resource('/a'), ['Main', 'File[/a]'], undefined), event('success'));
  assert.equal(changed.status, 'changed');
  assert.equal(changed.detailedExitCode, 2);
  changed.log('err', 'Kasper', 'something went wrong');
  assert.equal(changed.status, 'failed');
  assert.equal(changed.detailedExitCode, 6);

  const noop = report(true);
  addEvent(noop.newStatus(resource('/a'), ['Main', 'File[/a]'], undefined), event('noop'));
  assert.equal(noop.noopPending, true);
  assert.equal(noop.status, 'unchanged');

  const cycle = report();
  cycle.fail();
  assert.equal(cycle.detailedExitCode, 4);
});

test('the JSON is Puppet\'s report format 12, with metrics counted from the statuses', () => {
  const r = report();
  const a = r.newStatus(resource('/a'), ['Main', 'File[/a]'], 'posix');
  addEvent(a, event('success'));
  const b = r.newStatus(resource('/b'), ['Main', 'File[/b]'], 'posix');
  b.skipped = true;
  r.log('notice', '/Main/File[/a]/value', 'changed', { tags: ['file'], file: 'site.pp', line: 4 });
  r.addTime('prefetch', 250);
  r.cachedCatalogStatus = 'on_failure';
  r.finish(1500);
  const j = JSON.parse(JSON.stringify(r));
  assert.deepEqual(Object.keys(j), [
    'host', 'time', 'configuration_version', 'transaction_uuid', 'report_format', 'puppet_version', 'status',
    'transaction_completed', 'noop', 'noop_pending', 'environment', 'logs', 'metrics', 'resource_statuses',
    'corrective_change', 'cached_catalog_status', 'catalog_uuid', 'code_id', 'job_id', 'kind',
  ]);
  assert.deepEqual([j.host, j.environment, j.configuration_version, j.report_format, j.status, j.cached_catalog_status],
    ['n1.example.com', 'staging', 'abc123', 12, 'changed', 'on_failure']);
  assert.match(j.transaction_uuid, /^[0-9a-f-]{36}$/);
  assert.deepEqual(j.logs, [{ level: 'notice', message: 'changed', source: '/Main/File[/a]/value', tags: ['file'], time: j.logs[0].time, file: 'site.pp', line: 4 }]);
  assert.deepEqual(j.metrics.resources.values, [
    ['total', 'Total', 2], ['skipped', 'Skipped', 1], ['failed', 'Failed', 0], ['failed_to_restart', 'Failed to restart', 0],
    ['restarted', 'Restarted', 0], ['changed', 'Changed', 1], ['out_of_sync', 'Out of sync', 1], ['scheduled', 'Scheduled', 0],
    ['corrective_change', 'Corrective change', 0],
  ]);
  assert.deepEqual(j.metrics.time.values, [['file', 'File', 0], ['prefetch', 'prefetch', 0.25], ['total', 'Total', 1.5]]);
  assert.deepEqual(j.metrics.events.values, [['total', 'Total', 1], ['failure', 'Failure', 0], ['success', 'Success', 1], ['noop', 'Noop', 0]]);
  assert.deepEqual(j.resource_statuses['File[/a]'].events[0].status, 'success');
  assert.equal(r.summary(), 'Applied catalog in 1.50 seconds: 2 resources, 1 changed, 1 skipped');
});

test('a report names the catalog it applied and the run that asked for it, as Puppet\'s does', () => {
  const c = parseCatalog(JSON.stringify({
    tags: [], name: 'n1.example.com', version: 1700000000, code_id: null, catalog_uuid: '5d5a1a1e-6b1f-4d0e-9f5e-2f0f7c3b9a11',
    catalog_format: 1, environment: 'production', resources: [], edges: [], classes: [],
  }));
  const r = new Report(c, false, 'b2c8e6f4-1111-4222-8333-944445555666').toJSON();
  assert.equal(r.catalog_uuid, '5d5a1a1e-6b1f-4d0e-9f5e-2f0f7c3b9a11');
  assert.equal(r.code_id, null);
  assert.equal(r.transaction_uuid, 'b2c8e6f4-1111-4222-8333-944445555666');
  // A catalog compiled here has neither: the report says so, and makes its own run id.
  const local = new Report(new Catalog('n1.example.com'), false).toJSON();
  assert.equal(local.catalog_uuid, null);
  assert.match(local.transaction_uuid, /^[0-9a-f-]{36}$/);
});
