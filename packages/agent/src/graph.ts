// The dependency graph of a catalog: which resource must be applied before which, and who gets
// refresh events from whom. Containers (classes, defines, nodes, stages) are not applied; an
// edge to or from one stands for every resource it contains, as Puppet's admissible/completed
// sentinels do.
import { refKey, type Catalog, type CatalogResource } from '@kasper/catalog';
import { cycle } from './messages.ts';

export interface GraphNode {
  ref: string;
  resource: CatalogResource;
  /** Refs that must be applied before this one. */
  before: Set<string>;
  /** Refs this one sends refresh events to when it changes (notify, subscribe). */
  notifies: Set<string>;
}

/** Resource types that only group others. */
export const CONTAINER_TYPES = new Set(['Class', 'Stage', 'Node', 'Whit', 'Component']);

export function isContainer(r: CatalogResource, definedTypes: Set<string>): boolean {
  return CONTAINER_TYPES.has(r.type) || definedTypes.has(r.type);
}

function refsOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(refsOf);
  return [String(v)];
}

export interface Graph {
  nodes: Map<string, GraphNode>;
  /** Managed resources in a dependency-respecting order (catalog order where free). */
  order: string[];
}

/**
 * Builds the graph: relationship metaparameters, containment edges and autorequires.
 * `autorequire(ref)` gives the refs a resource implicitly requires (only those in the catalog count).
 */
export function buildGraph(catalog: Catalog, autorequire: (r: CatalogResource) => string[]): Graph {
  const byRef = new Map<string, CatalogResource>();
  for (const r of catalog.resources) byRef.set(refKey(r.type, r.title), r);
  // Defined types are containers: their kind says so.
  const definedTypes = new Set(catalog.resources.filter((r) => r.kind === 'defined_type').map((r) => r.type));
  const children = new Map<string, string[]>();
  for (const e of catalog.edges) {
    const list = children.get(e.source) ?? [];
    list.push(e.target);
    children.set(e.source, list);
  }
  // Aliases: `alias => x` makes File[x] name the same resource.
  const alias = new Map<string, string>();
  for (const r of catalog.resources) {
    for (const a of refsOf(r.parameters.get('alias'))) alias.set(refKey(r.type, a), refKey(r.type, r.title));
  }
  const resolve = (ref: string) => alias.get(ref) ?? ref;
  const leavesCache = new Map<string, string[]>();
  /** The managed resources a ref stands for: itself, or everything a container holds. */
  const leaves = (ref0: string, seen = new Set<string>()): string[] => {
    const ref = resolve(ref0);
    const hit = leavesCache.get(ref);
    if (hit) return hit;
    const r = byRef.get(ref);
    if (!r) return [];
    if (!isContainer(r, definedTypes)) return [ref];
    if (seen.has(ref)) return [];
    seen.add(ref);
    const out = (children.get(ref) ?? []).flatMap((c) => leaves(c, seen));
    leavesCache.set(ref, out);
    return out;
  };

  const nodes = new Map<string, GraphNode>();
  for (const r of catalog.resources) {
    const ref = refKey(r.type, r.title);
    if (isContainer(r, definedTypes)) continue;
    nodes.set(ref, { ref, resource: r, before: new Set(), notifies: new Set() });
  }
  const addOrder = (first: string, then: string) => {
    for (const a of leaves(first)) for (const b of leaves(then)) if (a !== b) nodes.get(b)?.before.add(a);
  };
  const addNotify = (from: string, to: string) => {
    for (const a of leaves(from)) for (const b of leaves(to)) if (a !== b) nodes.get(a)?.notifies.add(b);
  };
  for (const r of catalog.resources) {
    const ref = refKey(r.type, r.title);
    const p = r.parameters;
    for (const t of refsOf(p.get('require'))) addOrder(t, ref);
    for (const t of refsOf(p.get('before'))) addOrder(ref, t);
    for (const t of refsOf(p.get('subscribe'))) {
      addOrder(t, ref);
      addNotify(t, ref);
    }
    for (const t of refsOf(p.get('notify'))) {
      addOrder(ref, t);
      addNotify(ref, t);
    }
  }
  // Autorequires only where nothing says otherwise (an explicit before wins, as in Puppet).
  for (const [ref, n] of nodes) {
    for (const dep of autorequire(n.resource)) {
      const target = resolve(dep);
      if (target === ref || !nodes.has(target)) continue;
      if (nodes.get(target)!.before.has(ref)) continue;
      n.before.add(target);
    }
  }
  return { nodes, order: topoSort(nodes, catalog) };
}

function topoSort(nodes: Map<string, GraphNode>, catalog: Catalog): string[] {
  const describe = (ref: string) => {
    const r = nodes.get(ref)?.resource;
    return r?.file ? `${ref} (${r.file}:${r.line})` : ref;
  };
  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const [ref, n] of nodes) {
    indegree.set(ref, n.before.size);
    for (const d of n.before) {
      const l = dependents.get(d) ?? [];
      l.push(ref);
      dependents.set(d, l);
    }
  }
  // Catalog order breaks ties, so unrelated resources apply in the order they were written.
  const position = new Map<string, number>();
  catalog.resources.forEach((r, i) => position.set(refKey(r.type, r.title), i));
  const ready = [...nodes.keys()].filter((r) => indegree.get(r) === 0).sort((a, b) => position.get(a)! - position.get(b)!);
  const order: string[] = [];
  while (ready.length) {
    const ref = ready.shift()!;
    order.push(ref);
    const next: string[] = [];
    for (const d of dependents.get(ref) ?? []) {
      const n = indegree.get(d)! - 1;
      indegree.set(d, n);
      if (n === 0) next.push(d);
    }
    if (next.length) {
      ready.push(...next);
      ready.sort((a, b) => position.get(a)! - position.get(b)!);
    }
  }
  if (order.length < nodes.size) {
    const refs = findCycle(nodes, new Set(order));
    throw cycle('KSP-AGENT-014', { cycle: refs.map(describe).join(' => '), refs });
  }
  return order;
}

/** One loop among the resources that could not be ordered. */
function findCycle(nodes: Map<string, GraphNode>, done: Set<string>): string[] {
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visited = new Set<string>();
  const visit = (ref: string): string[] | null => {
    visited.add(ref);
    stack.push(ref);
    onStack.add(ref);
    for (const d of nodes.get(ref)!.before) {
      if (done.has(d)) continue;
      if (onStack.has(d)) return [...stack.slice(stack.indexOf(d)), d];
      if (!visited.has(d)) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    onStack.delete(ref);
    return null;
  };
  for (const ref of nodes.keys()) {
    if (done.has(ref) || visited.has(ref)) continue;
    const c = visit(ref);
    // The loop was found walking "requires" edges; print it in apply order.
    if (c) return c.reverse();
  }
  return [];
}
