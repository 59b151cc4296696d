// The storage backends the suites here run on: embedded SQLite, and a real PostgreSQL server
// started for the suite (support/postgres.ts) or the reason there is none.
import { after, before } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, type Storage } from '../../packages/storage/src/index.ts';
import { startPostgres, type PgServer } from '../support/postgres.ts';

export interface Backend {
  name: string;
  /** A fresh storage on this backend, or why there is none. */
  open: () => Storage | { reason: string };
}

/**
 * The backends, for a suite: registers its before (start PostgreSQL) and after (stop it).
 * `postgres()` is the server once started, or the reason it did not start.
 */
export function storageBackends(): { backends: Backend[]; postgres: () => PgServer | { reason: string } } {
  let pgServer: PgServer | { reason: string } | undefined;
  before(() => {
    pgServer = startPostgres();
  });
  after(() => {
    if (pgServer && 'stop' in pgServer) pgServer.stop();
  });
  const postgres = () => pgServer ?? { reason: 'no server' };
  return {
    backends: [
      { name: 'sqlite', open: () => openStorage(join(mkdtempSync(join(tmpdir(), 'kasper-db-')), 'kasper.db')) },
      { name: 'postgresql', open: () => { const pg = postgres(); return 'url' in pg ? openStorage(pg.url) : { reason: pg.reason }; } },
    ],
    postgres,
  };
}
