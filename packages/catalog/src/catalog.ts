// The catalog: what a node should look like. Resources with their parameters and tags, the
// relationship and containment edges between them, and the classes that were evaluated.
import { refKey } from './refs.ts';

/** A catalog value: what survives into JSON. Undef parameters are left out. */
export type CatalogValue =
  | string
  | number
  | boolean
  | null
  | CatalogFloat
  | CatalogInteger
  | CatalogValue[]
  | { [key: string]: CatalogValue };

/** A float that must print as a float (`1.0`) even when it has no fraction. */
export class CatalogFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/**
 * An Integer beyond what a JavaScript number holds exactly (2^53): kept as a bigint, and written
 * into JSON with every digit, as Puppet writes its 64-bit Integers (`JSON.stringify` calls toJSON).
 */
export class CatalogInteger {
  readonly value: bigint;
  constructor(value: bigint) {
    this.value = value;
  }
  toJSON(): unknown {
    return (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(String(this.value));
  }
}

/** An Integer as a catalog value: a number when it is exact as one, else a CatalogInteger. */
export function catalogInteger(n: bigint): number | CatalogInteger {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : new CatalogInteger(n);
}

export interface CatalogResource {
  /** Capitalised type: `File`, `Class`, `Apt::Source`. */
  type: string;
  title: string;
  tags: string[];
  file?: string;
  line?: number;
  exported: boolean;
  /** Puppet's resource kind: 'compilable_type' (built-in and module types), 'defined_type', 'unknown' (classes, nodes). */
  kind?: string;
  /** Parameters in declaration order; metaparameters (require, before…) included. */
  parameters: Map<string, CatalogValue>;
  /** Parameters whose values were Sensitive: the agent must not log or show them. */
  sensitiveParameters?: string[];
  /**
   * An exported resource this node's own exported collector (`<<| |>>`, on a master) made real:
   * it stays exported (other nodes collect it too) and is applied here, as Puppet does. Not
   * part of the JSON: the compiler sets it, agentView reads it.
   */
  collected?: boolean;
}

export interface CatalogEdge {
  source: string;
  target: string;
}

export class Catalog {
  name: string;
  environment: string;
  version: number | string;
  /** Catalog-level tags: every tag of every evaluated class, and the node's. */
  tags: string[] = [];
  classes: string[] = [];
  /** Set on a catalog read from its JSON: the compiler's id for it and its code's (Puppet's `catalog_uuid`, `code_id`). */
  catalogUuid?: string;
  codeId?: string | null;
  readonly resources: CatalogResource[] = [];
  readonly edges: CatalogEdge[] = [];
  private readonly index = new Map<string, CatalogResource>();

  constructor(name: string, environment = 'production', version: number | string = Math.floor(Date.now() / 1000)) {
    this.name = name;
    this.environment = environment;
    this.version = version;
  }

  add(resource: CatalogResource): void {
    const key = refKey(resource.type, resource.title);
    if (this.index.has(key)) throw new Error(`duplicate resource ${key} in catalog`);
    this.index.set(key, resource);
    this.resources.push(resource);
  }

  find(type: string, title: string): CatalogResource | undefined {
    return this.index.get(refKey(type, title));
  }

  addEdge(source: string, target: string): void {
    this.edges.push({ source, target });
  }

  /**
   * The catalog a node applies: without its exported resources (`@@file {…}`), which exist only
   * for other nodes to collect through PuppetDB (those its own collector made real stay, see
   * `collected`), and without the edges that touch them — as
   * Puppet's compiler filters the catalog it answers an agent with (and `puppet catalog
   * compile` prints), after the whole one was stored. This catalog itself when it exports nothing.
   * A resource its own collector made real is not exported in this view: `collected` is not in
   * the JSON, so an agent reading `exported: true` would leave it out (Puppet's agent applies
   * what it is sent either way; the stored catalog keeps it exported, for other nodes).
   */
  agentView(): Catalog {
    if (!this.resources.some((r) => r.exported)) return this;
    const c = new Catalog(this.name, this.environment, this.version);
    c.tags = [...this.tags];
    c.classes = [...this.classes];
    c.catalogUuid = this.catalogUuid;
    c.codeId = this.codeId;
    const gone = new Set<string>();
    for (const r of this.resources) {
      if (r.exported && !r.collected) gone.add(refKey(r.type, r.title));
      else c.add(r.exported ? { ...r, exported: false, collected: undefined } : r);
    }
    for (const e of this.edges) if (!gone.has(e.source) && !gone.has(e.target)) c.addEdge(e.source, e.target);
    return c;
  }
}
