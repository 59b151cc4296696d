// What the master's plugins share: configuration, the CA, storage, the compile pool, caches,
// counters, and how a request's identity is established.
import type { CertificateAuthority } from '@kasper/ca';
import type { Storage } from '@kasper/storage';
import type { RemoteCa } from './ca-remote.ts';
import type { CatalogCache, CodeVersions } from './catalog-cache.ts';
import type { CompilePool } from './compile-pool.ts';
import type { MasterConfig } from './config.ts';
import type { Identify, Identity } from './identity.ts';
import type { RunRegistry } from './runs.ts';

export interface Metrics {
  requests: number;
  catalogs: number;
  cacheHits: number;
  compileErrors: number;
  reports: number;
  refused: number;
}

export interface MasterContext {
  config: MasterConfig;
  /** The CA, on the master that holds it; undefined on a master with `caServer` (see `remoteCa`). */
  ca: CertificateAuthority | undefined;
  /** On a master that is not the CA: the CA master it forwards the open CA routes to. */
  remoteCa?: RemoteCa;
  storage: Storage;
  pool: CompilePool;
  catalogCache: CatalogCache;
  codeVersions: CodeVersions;
  metrics: Metrics;
  identify: Identify;
  /** Agents connected for run requests, and the runs asked of them. */
  runs: RunRegistry;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authenticated plugins' hook: who sent this request. */
    identity: Identity | null;
  }
}
