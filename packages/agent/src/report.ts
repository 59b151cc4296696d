// A run's report, in the shape of Puppet's report format (report_format 12): status, one
// status per resource with its events (old → new), logs, metrics and timings. Values that were
// Sensitive in the catalog are redacted in events and logs.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Catalog, CatalogResource } from '@kasper/catalog';
import type { Change, Resource } from '@kasper/providers';

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'err';

export interface ReportEvent {
  audited: boolean;
  property: string;
  previous_value: unknown;
  desired_value: unknown;
  historical_value: null;
  message: string;
  name: string;
  status: 'success' | 'failure' | 'noop' | 'audit';
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
  changed: boolean;
  out_of_sync: boolean;
  skipped: boolean;
  change_count: number;
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
}

export type RunStatus = 'changed' | 'unchanged' | 'failed';

export class Report {
  readonly host: string;
  readonly noop: boolean;
  readonly configuration_version: string | number;
  readonly environment: string;
  readonly transaction_uuid = randomUUID();
  readonly time = new Date().toISOString();
  readonly logs: LogEntry[] = [];
  readonly resource_statuses: Record<string, ResourceStatus> = {};
  private readonly sensitive = new Map<string, Set<string>>();
  private readonly timings: Record<string, number> = {};
  private forcedFailure = false;
  totalTime = 0;
  /** Set by the agent when it applied a cached catalog because it could not get a fresh one. */
  cachedCatalogStatus: 'not_used' | 'explicitly_requested' | 'on_failure' = 'not_used';

  constructor(catalog: Catalog, noop: boolean) {
    this.host = catalog.name || hostname();
    this.noop = noop;
    this.configuration_version = catalog.version;
    this.environment = catalog.environment;
    for (const r of catalog.resources) {
      if (r.sensitiveParameters?.length) this.sensitive.set(`${r.type}[${r.title}]`, new Set(r.sensitiveParameters));
    }
  }

  newStatus(r: CatalogResource, path: string, provider: string | undefined): ResourceStatus {
    const ref = `${r.type}[${r.title}]`;
    const s: ResourceStatus = {
      title: r.title,
      file: r.file ?? null,
      line: r.line ?? null,
      resource: ref,
      resource_type: r.type,
      provider_used: provider ?? null,
      containment_path: path.split('/').filter(Boolean),
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

  event(status: ResourceStatus, c: Change, outcome: ReportEvent['status'], message?: string): void {
    const redacted = this.sensitive.get(status.resource)?.has(c.property) ?? false;
    const show = (v: unknown, text?: string) => (redacted ? '[redacted]' : text ?? (Buffer.isBuffer(v) ? v.toString('utf8') : v ?? null));
    status.events.push({
      audited: false,
      property: c.property,
      previous_value: show(c.is, c.isText),
      desired_value: show(c.should, c.shouldText),
      historical_value: null,
      message: redacted ? `changed [redacted] to [redacted]` : message ?? c.message,
      name: c.property === 'ensure' ? (c.should === 'absent' ? `${status.resource_type.toLowerCase()}_removed` : `${status.resource_type.toLowerCase()}_created`) : `${c.property}_changed`,
      status: outcome,
      time: new Date().toISOString(),
      redacted: redacted || null,
      corrective_change: false,
    });
  }

  log(level: LogLevel, source: string, message: string, r?: Resource): void {
    this.logs.push({ level, message, source, tags: r?.tags ?? [], time: new Date().toISOString(), file: r?.file ?? null, line: r?.line ?? null });
  }

  addTime(name: string, ms: number): void {
    this.timings[name] = (this.timings[name] ?? 0) + ms / 1000;
  }

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

  metrics() {
    const s = this.statuses;
    const count = (f: (x: ResourceStatus) => boolean) => s.filter(f).length;
    const events = s.flatMap((x) => x.events);
    const byType: Record<string, number> = {};
    for (const x of s) byType[x.resource_type.toLowerCase()] = (byType[x.resource_type.toLowerCase()] ?? 0) + x.evaluation_time;
    const timeValues: [string, string, number][] = [
      ...Object.entries(byType).map(([k, v]) => [k, k[0].toUpperCase() + k.slice(1), v] as [string, string, number]),
      ...Object.entries(this.timings).map(([k, v]) => [k, k, v] as [string, string, number]),
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

  /** One line for the terminal: `Applied catalog in 0.42 seconds: 3 changed, 1 failed`. */
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

  toJSON() {
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
      catalog_uuid: null,
      code_id: null,
      job_id: null,
      kind: 'apply',
    };
  }
}
