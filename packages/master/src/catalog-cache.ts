// Compiled catalogs kept in memory, and the code version they were compiled from.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deployedCommit } from '@kasper/compiler';

export interface CachedCatalog {
  catalog: string;
  gzip: Uint8Array;
  version: string;
  /** The whole catalog as stored, when it differs from the agent's (it has exported resources). */
  stored?: string;
  /** The store's id of this catalog: when the node's latest is another (another master stored one since), it is stored again. */
  storedId: number;
}

/**
 * Compiled catalogs by (node, code version, facts, trusted data): one entry per node (new facts
 * replace its old catalog), the least recently used dropped past a size in bytes.
 */
export class CatalogCache {
  private readonly entries = new Map<string, { key: string; value: CachedCatalog }>();
  private bytes = 0;
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  get(node: string, key: string): CachedCatalog | undefined {
    const e = this.entries.get(node);
    if (!e || e.key !== key) return undefined;
    this.entries.delete(node);
    this.entries.set(node, e);
    return e.value;
  }
  set(node: string, key: string, value: CachedCatalog): void {
    this.drop(node);
    this.entries.set(node, { key, value });
    this.bytes += value.catalog.length + (value.stored?.length ?? 0) + value.gzip.byteLength;
    while (this.bytes > this.limit && this.entries.size > 1) this.drop(this.entries.keys().next().value!);
  }
  private drop(node: string): void {
    const e = this.entries.get(node);
    if (!e) return;
    this.bytes -= e.value.catalog.length + (e.value.stored?.length ?? 0) + e.value.gzip.byteLength;
    this.entries.delete(node);
  }
}

function fingerprint(path: string): string {
  // The environment's code version: every file's path, size and mtime.
  const h = createHash('sha256');
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else h.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  walk(path);
  return h.digest('hex');
}

/**
 * The code version, looked at most once a second per environment: walking the tree on every
 * request would cost more than serving a cached catalog. A change shows within a second.
 */
export class CodeVersions {
  private readonly seen = new Map<string, { at: number; value: string }>();
  get(dir: string): string {
    const now = Date.now();
    const c = this.seen.get(dir);
    if (c && now - c.at < 1000) return c.value;
    // A deploy from git names its commit: that is the code version, no walk needed.
    const commit = deployedCommit(dir);
    const value = commit ? `git:${commit}` : fingerprint(dir);
    this.seen.set(dir, { at: now, value });
    return value;
  }
}
