// How the agent fills in a run's report (the model is @kasper/catalog's): each change the
// transaction finds becomes an event of its resource, and values that were Sensitive in the
// catalog never reach an event or a log line.
import { addEvent, refKey, type Catalog, type EventStatus, type ResourceStatus } from '@kasper/catalog';
import type { Change } from '@kasper/providers';

const REDACTED = '[redacted]';

/** The properties of each resource (by ref) whose values were Sensitive in the catalog. */
export function sensitiveProperties(catalog: Catalog): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of catalog.resources) {
    if (r.sensitiveParameters?.length) out.set(refKey(r.type, r.title), new Set(r.sensitiveParameters));
  }
  return out;
}

/** A change as it may be shown: its values, message and diff hidden; what the provider syncs is untouched. */
export function redacted(c: Change): Change {
  return { ...c, message: `changed ${REDACTED} to ${REDACTED}`, isText: REDACTED, shouldText: REDACTED, diff: undefined };
}

/**
 * Records one change as an event of its resource's status. `message` overrides the change's own,
 * except for a redacted change: a failure's text may quote the value.
 */
export function recordChange(status: ResourceStatus, c: Change, outcome: EventStatus, isRedacted: boolean, message?: string): void {
  const show = (v: unknown, text?: string) => text ?? (Buffer.isBuffer(v) ? v.toString('utf8') : v ?? null);
  const type = status.resource_type.toLowerCase();
  addEvent(status, {
    audited: false,
    property: c.property,
    previous_value: show(c.is, c.isText),
    desired_value: show(c.should, c.shouldText),
    historical_value: null,
    message: isRedacted ? c.message : message ?? c.message,
    name: c.property === 'ensure' ? (c.should === 'absent' ? `${type}_removed` : `${type}_created`) : `${c.property}_changed`,
    status: outcome,
    time: new Date().toISOString(),
    redacted: isRedacted || null,
    corrective_change: false,
  });
}
