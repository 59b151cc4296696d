// Turns what Puppet prints for a conformance case into the stable form kept in the repo:
// a catalog (`expected.json`) or a compile error (`expected-error.json`).
//
//   node test/conformance/normalize.ts catalog RAW.json CASE_DIR   > expected.json
//   node test/conformance/normalize.ts error   STDERR.txt CASE_DIR > expected-error.json
//
// CASE_DIR is the directory Puppet compiled: paths under it become relative.
//
// Catalog decisions (what is dropped or reordered, and why):
// - `version` (a timestamp), `code_id` (null without a code-id command), `catalog_uuid`
//   (random) and `catalog_format` (always 2 in Puppet 7) are dropped. `name`, `environment`,
//   `tags`, `classes`, `resources` and `edges` are kept, in that key order.
// - Resources are sorted by (type, title), edges by (source, target), `classes` and the
//   catalog's `tags` alphabetically: Puppet prints them in evaluation order, which tells
//   nothing an agent uses (it orders by the edges and relationship parameters).
// - A resource's `tags` are sorted: Puppet keeps them as a set (insertion order only shows
//   which tag was added first). Every other array keeps Puppet's order, including
//   `before`/`require`/`notify`/`subscribe` values and `tag` as written in the manifest.
// - A resource keeps its keys in Puppet's order: type, title, tags, file, line, exported,
//   kind, parameters, sensitive_parameters (absent keys stay absent: no `parameters` key
//   when none were set, no `file`/`line` for Stage/Class[main]/Node resources).
// - `parameters` has its keys sorted (Puppet prints them in the order they were set,
//   which depends on how the resource was declared, defaulted and overridden). Values are
//   kept as they are, nested hashes in Puppet's insertion order (it is observable in the
//   language, e.g. by `each` and `keys`), rich data (`__ptype`/`__pvalue`) untouched.
// - `file` becomes relative to CASE_DIR (`manifests/site.pp`, `modules/m/manifests/init.pp`);
//   paths outside it (the Debian modules in /usr/share/puppet/modules) stay absolute. Any
//   string value that contains `CASE_DIR/` has that prefix removed too, so the temporary
//   directory never leaks into a golden file.
// - Numbers are kept exactly as Puppet printed them: a Float stays `6.0` (not `6`), `1.0e+21`
//   keeps its spelling, and 64-bit Integers keep every digit. JavaScript's JSON.parse would
//   turn 6.0 into 6 and round large integers, so the catalog is parsed with `parseJsonExact`.
//   A reader of expected.json that needs Integer and Float apart should parse it with
//   `parseJsonTyped` (Integers become bigint, Floats number), as the compiler's values are.
// - Exported resources are kept with `"exported": true` (see puppet-compile.rb); an agent's
//   view of the catalog is this one without them and without the edges that touch them
//   (`agentView` below).
//
// Error decisions: Puppet logs a failed compile several times (the evaluation error, then
// "Could not call 'find' on 'catalog': " wrapping it, then a usage hint). The first `Error:`
// message is kept, with its continuation lines if it has any. Its trailing " on node NAME" and its location "(file: F, line: L, column: C)"
// (or any part of it) are cut off into `file`, `line` and `column` (null when Puppet gave
// none); `message` is the rest, with paths under CASE_DIR made relative.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface CatalogResource {
  type: string;
  title: string;
  tags: string[];
  file?: string;
  line?: number;
  exported: boolean;
  kind?: string;
  parameters?: Record<string, Json>;
  sensitive_parameters?: string[];
}

export interface CatalogEdge {
  source: string;
  target: string;
}

export interface NormalizedCatalog {
  name: string;
  environment: string;
  tags: string[];
  classes: string[];
  resources: CatalogResource[];
  edges: CatalogEdge[];
}

export interface ExpectedError {
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
}

interface RawJson {
  readonly rawJSON: string;
}
interface JsonWithRaw {
  rawJSON(text: string): RawJson;
  isRawJSON(value: unknown): value is RawJson;
}
type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;
const RawJSON = JSON as unknown as JsonWithRaw;

/** JSON.parse, but every number stays the exact text Puppet wrote (JSON.stringify prints it back verbatim). */
export function parseJsonExact(text: string): unknown {
  const reviver: Reviver = (_key, value, context) =>
    typeof value === 'number' && context?.source !== undefined ? RawJSON.rawJSON(context.source) : value;
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}

/** JSON.parse for golden files: integer literals become bigint, others (with '.', 'e') number. */
export function parseJsonTyped(text: string): unknown {
  const reviver: Reviver = (_key, value, context) => {
    if (typeof value !== 'number' || context?.source === undefined) return value;
    return /^-?\d+$/.test(context.source) ? BigInt(context.source) : value;
  };
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}

const RESOURCE_KEYS = ['type', 'title', 'tags', 'file', 'line', 'exported', 'kind', 'parameters', 'sensitive_parameters'];

/** Compares by UTF-16 code units, the same everywhere (no locale). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !RawJSON.isRawJSON(v);
}

function stripDir(dir: string): (s: string) => string {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return (s) => (s.includes(prefix) ? s.split(prefix).join('') : s);
}

function mapStrings(v: Json, f: (s: string) => string): Json {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (isObject(v)) {
    const out: { [key: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) out[f(k)] = mapStrings(x as Json, f);
    return out;
  }
  return v;
}

function stringArray(v: unknown, what: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error(`${what} is not an array of strings`);
  return v as string[];
}

/**
 * Puppet's catalog JSON (as `puppet catalog compile --render-as json` prints it) in the stable
 * form. Pass the text (or a value from `parseJsonExact`) to keep numbers exact.
 */
export function normalizeCatalog(catalog: unknown, caseDir: string): NormalizedCatalog {
  const json = typeof catalog === 'string' ? parseJsonExact(catalog) : catalog;
  if (!isObject(json) || !Array.isArray(json.resources)) throw new Error('not a Puppet catalog: no resources array');
  const rel = stripDir(caseDir);
  const resources = json.resources.map((raw): CatalogResource => {
    if (!isObject(raw) || typeof raw.type !== 'string' || typeof raw.title !== 'string') {
      throw new Error(`not a catalog resource: ${JSON.stringify(raw)}`);
    }
    const unknownKeys = Object.keys(raw).filter((k) => !RESOURCE_KEYS.includes(k));
    if (unknownKeys.length > 0) throw new Error(`${raw.type}[${raw.title}] has unexpected keys ${unknownKeys.join(', ')}`);
    const r: CatalogResource = {
      type: raw.type,
      title: rel(raw.title),
      tags: [...stringArray(raw.tags, 'tags')].sort(cmp),
    } as CatalogResource;
    if (typeof raw.file === 'string') r.file = rel(raw.file);
    if (raw.line !== undefined) r.line = Number(RawJSON.isRawJSON(raw.line) ? raw.line.rawJSON : raw.line);
    r.exported = raw.exported === true;
    if (typeof raw.kind === 'string') r.kind = raw.kind;
    if (isObject(raw.parameters)) {
      const params: Record<string, Json> = {};
      for (const k of Object.keys(raw.parameters).sort(cmp)) params[k] = mapStrings(raw.parameters[k] as Json, rel);
      r.parameters = params;
    }
    if (raw.sensitive_parameters !== undefined) {
      r.sensitive_parameters = [...stringArray(raw.sensitive_parameters, 'sensitive_parameters')].sort(cmp);
    }
    return r;
  });
  resources.sort((a, b) => cmp(a.type, b.type) || cmp(a.title, b.title));
  const edges = (Array.isArray(json.edges) ? json.edges : []).map((e): CatalogEdge => {
    if (!isObject(e) || typeof e.source !== 'string' || typeof e.target !== 'string') {
      throw new Error(`not a catalog edge: ${JSON.stringify(e)}`);
    }
    return { source: rel(e.source), target: rel(e.target) };
  });
  edges.sort((a, b) => cmp(a.source, b.source) || cmp(a.target, b.target));
  return {
    name: String(json.name),
    environment: String(json.environment),
    tags: [...stringArray(json.tags, 'tags')].sort(cmp),
    classes: [...stringArray(json.classes, 'classes')].sort(cmp),
    resources,
    edges,
  };
}

/** The catalog an agent would receive: without exported resources and the edges touching them. */
export function agentView(catalog: NormalizedCatalog): NormalizedCatalog {
  const exported = new Set(catalog.resources.filter((r) => r.exported).map((r) => `${r.type}[${r.title}]`));
  return {
    ...catalog,
    resources: catalog.resources.filter((r) => !r.exported),
    edges: catalog.edges.filter((e) => !exported.has(e.source) && !exported.has(e.target)),
  };
}

// Puppet's location suffix: "(file: F, line: L, column: C)"; any of the three may be missing.
const LOCATION = /\s*\(((?:file: [^()]*?)?(?:(?:, )?line: \d+)?(?:(?:, )?column: \d+)?)\)$/;

/** The first error of a failed compile's log (stderr), in the stable form. */
export function normalizeError(log: string, caseDir: string): ExpectedError {
  const rel = stripDir(caseDir);
  // A message may span several lines (e.g. the signatures a function accepts): it ends where
  // the next log line (Error:, Warning:, Notice:, Info:, Debug:) starts.
  const lines = log.split('\n');
  const start = lines.findIndex(
    (l) => l.startsWith('Error: ') && !l.startsWith("Error: Could not call 'find' on 'catalog'") && !l.startsWith('Error: Try '),
  );
  if (start < 0) throw new Error(`no error found in Puppet's output:\n${log}`);
  let end = start + 1;
  while (end < lines.length && lines[end] !== '' && !/^(Error|Warning|Notice|Info|Debug): /.test(lines[end])) end++;
  const first = lines.slice(start, end).join('\n');
  let message = first.slice('Error: '.length).replace(/ on node \S+$/, '');
  let file: string | null = null;
  let line: number | null = null;
  let column: number | null = null;
  const m = LOCATION.exec(message);
  if (m && m[1] !== '') {
    const inner = m[1];
    const f = /^file: (.*?)(?=, line: \d+|, column: \d+|$)/.exec(inner);
    const l = /(?:^|, )line: (\d+)/.exec(inner.slice(f ? f[0].length : 0));
    const c = /(?:^|, )column: (\d+)$/.exec(inner);
    file = f ? rel(f[1]) : null;
    line = l ? Number(l[1]) : null;
    column = c ? Number(c[1]) : null;
    message = message.slice(0, m.index);
  }
  return { message: rel(message), file, line, column };
}

export function toText(value: NormalizedCatalog | ExpectedError): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function main(argv: string[]): number {
  const [mode, input, caseDir] = argv;
  if ((mode !== 'catalog' && mode !== 'error') || input === undefined || caseDir === undefined) {
    process.stderr.write('usage: normalize.ts catalog RAW.json CASE_DIR | normalize.ts error STDERR.txt CASE_DIR\n');
    return 2;
  }
  const text = readFileSync(input === '-' ? 0 : input, 'utf8');
  if (mode === 'catalog') {
    process.stdout.write(toText(normalizeCatalog(text, caseDir)));
  } else {
    process.stdout.write(toText(normalizeError(text, caseDir)));
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
