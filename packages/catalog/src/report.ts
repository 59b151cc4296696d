// A run's report, the other half of the contract: the agent builds it, the master and storage
// keep it, the CLI shows it. Its JSON is Puppet's report format 12: the run's status, one status
// per resource with its events (old → new), logs, metrics and timings.
//
// A resource status's counters (changed, out_of_sync, change_count, out_of_sync_count) are not
// written by hand: `addEvent` is the only way an event gets in, and it derives them from the
// events, so they cannot disagree.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Catalog, CatalogResource } from './catalog.ts';
import { refKey } from './refs.ts';

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'err';

export type EventStatus = 'success' | 'failure' | 'noop' | 'audit';

export interface ReportEvent {
  audited: boolean;
  property: string;
  previous_value: unknown;
  desired_value: unknown;
  historical_value: null;
  message: string;
  /** `value_changed`, `file_created`, `package_removed` … */
  name: string;
  status: EventStatus;
  time: string;
  redacted: boolean | null;
  corrective_change: boolean;
}

export interface ResourceStatus {
  title: string;
  file: string | null;
  line: number | null;
  resource: string;
  resource_type: string;
  provider_used: string | null;
  containment_path: string[];
  evaluation_time: number;
  tags: string[];
  time: string;
  failed: boolean;
  failed_to_restart: boolean;
  /** Derived from `events` by `addEvent`: a change succeeded. */
  changed: boolean;
  /** Derived from `events` by `addEvent`: something was not as the catalog wants. */
  out_of_sync: boolean;
  skipped: boolean;
  /** Derived from `events`: the successful ones. */
  change_count: number;
  /** Derived from `events`: every one but audits. */
  out_of_sync_count: number;
  events: ReportEvent[];
  corrective_change: boolean;
}

export interface LogEntry {
  level: LogLevel;
  message: string;
  source: string;
  tags: string[];
  time: string;
  file: string | null;
  line: number | null;
  /** The catalogue code of the error or warning logged (`KSP-PROVIDERS-022`), when it has one; Kasper's addition to Puppet's log entry. */
  code?: string;
}

export type RunStatus = 'changed' | 'unchanged' | 'failed';

/** Why a run applied a catalog it had kept rather than a fresh one. */
export type CachedCatalogStatus = 'not_used' | 'explicitly_requested' | 'on_failure';

/** `[name, label, value]`, as Puppet writes metric values. */
export type MetricValue = [string, string, number];

export interface Metric {
  name: string;
  label: string;
  values: MetricValue[];
}

export interface ReportMetrics {
  resources: Metric;
  time: Metric;
  changes: Metric;
  events: Metric;
}

/** The report as JSON: what the agent sends to `PUT /puppet/v3/report/:node` and keeps in its state folder. */
export interface ReportJson {
  host: string;
  time: string;
  configuration_version: string | number;
  transaction_uuid: string;
  report_format: 12;
  puppet_version: string;
  status: RunStatus;
  transaction_completed: boolean;
  noop: boolean;
  noop_pending: boolean;
  environment: string;
  logs: LogEntry[];
  metrics: ReportMetrics;
  resource_statuses: Record<string, ResourceStatus>;
  corrective_change: boolean;
  cached_catalog_status: CachedCatalogStatus;
  catalog_uuid: string | null;
  code_id: string | null;
  job_id: string | null;
  kind: 'apply';
}

/** The counters a status's events imply. */
export function statusCounters(events: readonly ReportEvent[]): Pick<ResourceStatus, 'changed' | 'out_of_sync' | 'change_count' | 'out_of_sync_count'> {
  let changeCount = 0;
  let outOfSyncCount = 0;
  for (const e of events) {
    if (e.status === 'success') changeCount++;
    if (e.status !== 'audit') outOfSyncCount++;
  }
  return { changed: changeCount > 0, out_of_sync: outOfSyncCount > 0, change_count: changeCount, out_of_sync_count: outOfSyncCount };
}

/** Adds an event to a status and brings its counters in line; a failure event fails the resource. */
export function addEvent(status: ResourceStatus, event: ReportEvent): void {
  status.events.push(event);
  Object.assign(status, statusCounters(status.events));
  if (event.status === 'failure') status.failed = true;
}

/** Where a log line came from, when a resource said it (tags, file and line). */
export interface LogOrigin {
  tags?: string[];
  file?: string;
  line?: number;
}

export class Report {
  readonly host: string;
  readonly noop: boolean;
  readonly configuration_version: string | number;
  readonly environment: string;
  readonly transaction_uuid: string;
  /** The catalog's, as its compiler gave them (Puppet's reports carry them back). */
  readonly catalog_uuid: string | null;
  readonly code_id: string | null;
  readonly time = new Date().toISOString();
  readonly logs: LogEntry[] = [];
  readonly resource_statuses: Record<string, ResourceStatus> = {};
  private readonly timings: Record<string, number> = {};
  private forcedFailure = false;
  totalTime = 0;
  /** Set when the run applied a cached catalog because it could not get a fresh one. */
  cachedCatalogStatus: CachedCatalogStatus = 'not_used';
  /** The job that asked for this run (a `kasper run` rollout's id), as Puppet's orchestrator sets it; null for a run of its own. */
  job_id: string | null = null;

  /** `transactionUuid`: the run's, when the requests that got its catalog carried one (as Puppet's agent sends it). */
  constructor(catalog: Pick<Catalog, 'name' | 'version' | 'environment'> & Partial<Pick<Catalog, 'catalogUuid' | 'codeId'>>, noop: boolean, transactionUuid?: string) {
    this.transaction_uuid = transactionUuid ?? randomUUID();
    this.catalog_uuid = catalog.catalogUuid ?? null;
    this.code_id = catalog.codeId ?? null;
    this.host = catalog.name || hostname();
    this.noop = noop;
    this.configuration_version = catalog.version;
    this.environment = catalog.environment;
  }

  /**
   * A status for a resource, with no events yet, added to the report. `containmentPath` is
   * Puppet's: `['Stage[main]', 'Base', 'File[/etc/motd]']` (titles may hold slashes).
   */
  newStatus(r: CatalogResource, containmentPath: string[], provider: string | undefined): ResourceStatus {
    const ref = refKey(r.type, r.title);
    const s: ResourceStatus = {
      title: r.title,
      file: r.file ?? null,
      line: r.line ?? null,
      resource: ref,
      resource_type: r.type,
      provider_used: provider ?? null,
      containment_path: containmentPath,
      evaluation_time: 0,
      tags: r.tags,
      time: new Date().toISOString(),
      failed: false,
      failed_to_restart: false,
      changed: false,
      out_of_sync: false,
      skipped: false,
      change_count: 0,
      out_of_sync_count: 0,
      events: [],
      corrective_change: false,
    };
    this.resource_statuses[ref] = s;
    return s;
  }

  dropStatuses(refs: string[]): void {
    for (const r of refs) delete this.resource_statuses[r];
  }

  log(level: LogLevel, source: string, message: string, origin?: LogOrigin, code?: string): void {
    this.logs.push({ level, message, source, tags: origin?.tags ?? [], time: new Date().toISOString(), file: origin?.file ?? null, line: origin?.line ?? null, ...(code ? { code } : {}) });
  }

  addTime(name: string, ms: number): void {
    this.timings[name] = (this.timings[name] ?? 0) + ms / 1000;
  }

  /** The run failed as a whole (a dependency cycle): nothing was applied. */
  fail(): void {
    this.forcedFailure = true;
  }

  finish(ms: number): void {
    this.totalTime = ms / 1000;
  }

  get statuses(): ResourceStatus[] {
    return Object.values(this.resource_statuses);
  }

  get failed(): boolean {
    return this.forcedFailure || this.statuses.some((s) => s.failed) || this.logs.some((l) => l.level === 'err');
  }

  get changed(): boolean {
    return this.statuses.some((s) => s.changed);
  }

  /** Changes noop found that a real run would make. */
  get noopPending(): boolean {
    return this.statuses.some((s) => s.events.some((e) => e.status === 'noop'));
  }

  get status(): RunStatus {
    if (this.failed) return 'failed';
    return this.changed ? 'changed' : 'unchanged';
  }

  /** Puppet's `--detailed-exitcodes`: 0 nothing, 2 changes, 4 failures, 6 both. */
  get detailedExitCode(): number {
    return (this.changed ? 2 : 0) | (this.failed ? 4 : 0);
  }

  metrics(): ReportMetrics {
    const s = this.statuses;
    const count = (f: (x: ResourceStatus) => boolean) => s.filter(f).length;
    const events = s.flatMap((x) => x.events);
    const byType: Record<string, number> = {};
    for (const x of s) byType[x.resource_type.toLowerCase()] = (byType[x.resource_type.toLowerCase()] ?? 0) + x.evaluation_time;
    const timeValues: MetricValue[] = [
      ...Object.entries(byType).map(([k, v]): MetricValue => [k, k[0].toUpperCase() + k.slice(1), v]),
      ...Object.entries(this.timings).map(([k, v]): MetricValue => [k, k, v]),
      ['total', 'Total', this.totalTime],
    ];
    return {
      resources: {
        name: 'resources', label: 'Resources', values: [
          ['total', 'Total', s.length],
          ['skipped', 'Skipped', count((x) => x.skipped)],
          ['failed', 'Failed', count((x) => x.failed)],
          ['failed_to_restart', 'Failed to restart', count((x) => x.failed_to_restart)],
          ['restarted', 'Restarted', 0],
          ['changed', 'Changed', count((x) => x.changed)],
          ['out_of_sync', 'Out of sync', count((x) => x.out_of_sync)],
          ['scheduled', 'Scheduled', 0],
          ['corrective_change', 'Corrective change', 0],
        ],
      },
      time: { name: 'time', label: 'Time', values: timeValues },
      changes: { name: 'changes', label: 'Changes', values: [['total', 'Total', events.filter((e) => e.status === 'success').length]] },
      events: {
        name: 'events', label: 'Events', values: [
          ['total', 'Total', events.length],
          ['failure', 'Failure', events.filter((e) => e.status === 'failure').length],
          ['success', 'Success', events.filter((e) => e.status === 'success').length],
          ['noop', 'Noop', events.filter((e) => e.status === 'noop').length],
        ],
      },
    };
  }

  /** One line for the terminal: `Applied catalog in 0.42 seconds: 3 resources, 1 changed, 1 failed`. */
  summary(): string {
    const s = this.statuses;
    const parts = [`${s.filter((x) => x.changed).length} changed`];
    const failed = s.filter((x) => x.failed).length;
    const skipped = s.filter((x) => x.skipped).length;
    const noop = s.filter((x) => x.events.some((e) => e.status === 'noop')).length;
    if (noop) parts.push(`${noop} would change (noop)`);
    if (failed) parts.push(`${failed} failed`);
    if (skipped) parts.push(`${skipped} skipped`);
    return `Applied catalog in ${this.totalTime.toFixed(2)} seconds: ${s.length} resources, ${parts.join(', ')}`;
  }

  toJSON(): ReportJson {
    return {
      host: this.host,
      time: this.time,
      configuration_version: this.configuration_version,
      transaction_uuid: this.transaction_uuid,
      report_format: 12,
      puppet_version: 'kasper-0.1.0',
      status: this.status,
      transaction_completed: true,
      noop: this.noop,
      noop_pending: this.noopPending,
      environment: this.environment,
      logs: this.logs,
      metrics: this.metrics(),
      resource_statuses: this.resource_statuses,
      corrective_change: false,
      cached_catalog_status: this.cachedCatalogStatus,
      catalog_uuid: this.catalog_uuid,
      code_id: this.code_id,
      job_id: this.job_id,
      kind: 'apply',
    };
  }
}
