// The diff report: what a code change does to each node. This is the shape `--format json`
// prints (documented in docs/diff.md, schema in docs/diff-schema.json); keep it stable: add
// fields, never rename or remove them without a new `schema` version.

export const SCHEMA_ID = 'kasper.catalog-diff/v1';

export { DIFF_MESSAGES, DiffInputError } from './messages.ts';

/** A value as it appears in catalog JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ParameterChange {
  name: string;
  /** 'added': only the new side has it; 'removed': only the old side. */
  status: 'added' | 'removed' | 'changed';
  from?: JsonValue;
  to?: JsonValue;
  /** A unified text diff, for multi-line text (content, templates) and `puppet:///` sources. */
  diff?: string;
  /** The values were Sensitive: `from`/`to` are left out, only the fact of the change is told. */
  sensitive?: boolean;
  /** For `source`: the URL stayed the same but the file it names changed. */
  sourceContentChanged?: boolean;
}

export interface ResourceEntry {
  /** `Type[title]`. */
  ref: string;
  file?: string;
  line?: number;
  parameters: Record<string, JsonValue>;
}

export interface ResourceChange {
  ref: string;
  /** Where the resource is declared on the new side. */
  file?: string;
  line?: number;
  parameters: ParameterChange[];
  tags?: { added: string[]; removed: string[] };
}

export interface EdgeEntry {
  source: string;
  target: string;
  /** 'before' (`->`, before/require), 'notify' (`~>`, notify/subscribe), 'contains' (containment). */
  kind: 'before' | 'notify' | 'contains';
}

export interface CompileFailure {
  side: 'from' | 'to';
  message: string;
  /** The compiler's diagnostic code (`KSP-CLASS-001`); none for an internal error. */
  code?: string;
  file?: string;
  line?: number;
  column?: number;
}

/** Everything that differs for one node. Two nodes with equal change-sets are grouped. */
export interface ChangeSet {
  failures: CompileFailure[];
  resources: { added: ResourceEntry[]; removed: ResourceEntry[]; changed: ResourceChange[] };
  edges: { added: EdgeEntry[]; removed: EdgeEntry[] };
  classes: { added: string[]; removed: string[] };
}

export type NodeStatus = 'unchanged' | 'changed' | 'failed';

export interface NodeResult {
  node: string;
  status: NodeStatus;
  changes: ChangeSet;
  compileMs: number;
  diffMs: number;
}

export interface NodeGroup {
  status: 'changed' | 'failed';
  nodes: string[];
  changes: ChangeSet;
  counts: ChangeCounts;
}

export interface ChangeCounts {
  added: number;
  removed: number;
  changed: number;
  edges: number;
  classes: number;
}

export interface SideInfo {
  /** What the user asked for: a git revision, a folder, or `stored catalog N`. */
  ref: string;
  /** What it resolved to: a commit id, an absolute folder, a catalog version. */
  resolved: string;
}

export interface DiffReport {
  schema: typeof SCHEMA_ID;
  from: SideInfo;
  to: SideInfo;
  environment: string;
  summary: {
    nodes: number;
    unchanged: number;
    changed: number;
    failed: number;
    /** Failed on the new side: the change breaks these nodes. */
    brokenByChange: number;
  };
  /** Failed groups first, then the largest groups. */
  groups: NodeGroup[];
  unchanged: string[];
  /** Per node, in name order: status and counts, for a summary table. */
  nodes: { node: string; status: NodeStatus; group: number | null; counts: ChangeCounts }[];
  timing: { compileMs: number; diffMs: number; wallMs: number; workers: number };
}

export function emptyChangeSet(): ChangeSet {
  return { failures: [], resources: { added: [], removed: [], changed: [] }, edges: { added: [], removed: [] }, classes: { added: [], removed: [] } };
}

export function countChanges(c: ChangeSet): ChangeCounts {
  return {
    added: c.resources.added.length,
    removed: c.resources.removed.length,
    changed: c.resources.changed.length,
    edges: c.edges.added.length + c.edges.removed.length,
    classes: c.classes.added.length + c.classes.removed.length,
  };
}

export function isEmpty(c: ChangeSet): boolean {
  const n = countChanges(c);
  return c.failures.length === 0 && n.added + n.removed + n.changed + n.edges + n.classes === 0;
}

/** JSON with sorted keys: two hashes that differ only in key order are the same value. */
export function canonical(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** A key equal for equal change-sets, whatever the order of keys in parameter values. */
export function canonicalChangeSet(c: ChangeSet): string {
  return canonical(c as unknown as JsonValue);
}
