// Puppet's catalog JSON format (the shape `puppet catalog compile --render-as json` prints and the
// v3 catalog endpoint serves; Puppet publishes its schema as api/schemas/catalog.json).
import { Catalog, CatalogFloat, CatalogInteger, type CatalogResource, type CatalogValue } from './catalog.ts';

export interface CatalogJson {
  tags: string[];
  name: string;
  version: number | string;
  code_id: string | null;
  catalog_uuid: string;
  catalog_format: number;
  environment: string;
  resources: ResourceJson[];
  edges: { source: string; target: string }[];
  classes: string[];
}

export interface ResourceJson {
  type: string;
  title: string;
  tags: string[];
  file?: string;
  line?: number;
  exported: boolean;
  kind?: string;
  parameters?: Record<string, unknown>;
  sensitive_parameters?: string[];
}

/** JSON.rawJSON (Node 21+): lets a Float print as `1.0` without a slow replacer function. */
const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

function floatText(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

function plain(v: CatalogValue): unknown {
  if (v instanceof CatalogFloat) return rawJSON(floatText(v.value));
  if (v instanceof CatalogInteger) return rawJSON(String(v.value));
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) o[k] = plain(v[k]);
    return o;
  }
  return v;
}

export function resourceToJson(r: CatalogResource): ResourceJson {
  // Key order as Puppet prints it: type, title, tags, file, line, exported, kind, parameters.
  const out = { type: r.type, title: r.title, tags: r.tags } as ResourceJson;
  if (r.file !== undefined) out.file = r.file;
  if (r.line !== undefined) out.line = r.line;
  out.exported = r.exported;
  if (r.kind !== undefined) out.kind = r.kind;
  if (r.parameters.size > 0) {
    const p: Record<string, unknown> = {};
    r.parameters.forEach((v, k) => {
      p[k] = plain(v);
    });
    out.parameters = p;
  }
  if (r.sensitiveParameters?.length) out.sensitive_parameters = r.sensitiveParameters;
  return out;
}

export function catalogToJson(c: Catalog, uuid = '00000000-0000-0000-0000-000000000000'): CatalogJson {
  return {
    tags: c.tags,
    name: c.name,
    version: c.version,
    code_id: c.codeId ?? null,
    catalog_uuid: uuid,
    catalog_format: 2,
    environment: c.environment,
    resources: c.resources.map(resourceToJson),
    edges: c.edges.map((e) => ({ source: e.source, target: e.target })),
    classes: c.classes,
  };
}

/**
 * JSON text for a catalog. Floats keep a fraction (`1.0`), as Ruby prints them, so a float
 * parameter survives a round trip as a float.
 */
export function stringifyCatalog(c: Catalog, indent = 2): string {
  return JSON.stringify(catalogToJson(c), null, indent || undefined);
}

/** Reads catalog JSON (ours or Puppet's) back into the model. */
export function parseCatalog(text: string): Catalog {
  // An Integer beyond 2^53 keeps every digit (the reviver sees the number's source text).
  const j = JSON.parse(text, (_k, v: unknown, context?: { source?: string }) => (
    typeof v === 'number' && !Number.isSafeInteger(v) && context?.source !== undefined && /^-?\d+$/.test(context.source) ? new CatalogInteger(BigInt(context.source)) : v
  )) as CatalogJson;
  const c = new Catalog(j.name, j.environment, j.version);
  c.tags = j.tags ?? [];
  c.classes = j.classes ?? [];
  if (typeof j.catalog_uuid === 'string') c.catalogUuid = j.catalog_uuid;
  if (j.code_id !== undefined) c.codeId = j.code_id;
  for (const r of j.resources ?? []) {
    c.add({
      type: r.type,
      title: r.title,
      tags: r.tags ?? [],
      file: r.file,
      line: r.line,
      exported: Boolean(r.exported),
      kind: r.kind,
      parameters: new Map(Object.entries(r.parameters ?? {}) as [string, CatalogValue][]),
      sensitiveParameters: r.sensitive_parameters,
    });
  }
  for (const e of j.edges ?? []) c.addEdge(e.source, e.target);
  return c;
}
