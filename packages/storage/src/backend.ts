// The two databases behind one small interface: embedded SQLite (node:sqlite) and PostgreSQL
// (pg). Statements use `?` placeholders; PostgreSQL's become `$n`.
import { AsyncLocalStorage } from 'node:async_hooks';
import { chmodSync, closeSync, openSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly dialect: Dialect;
  run(sql: string, params?: unknown[]): Promise<void>;
  /** Rows changed by the statement. */
  change(sql: string, params?: unknown[]): Promise<number>;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Calls `onRow` with each row as it arrives, an array of its columns' values in the
   * statement's order: no object per row and no list of them all, so a large answer is
   * written while the database still sends it and its rows die young. A throw from `onRow`
   * rejects the promise once the statement has ended.
   */
  each(sql: string, params: unknown[], onRow: (row: unknown[]) => void): Promise<void>;
  insertId(sql: string, params: unknown[]): Promise<number>;
  /** Runs `fn` in a transaction; nested calls join the outer one. */
  transaction(fn: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL's `~` for SQLite: `x REGEXP pattern` calls regexp(pattern, x). */
function registerRegexp(db: DatabaseSync): void {
  const cache = new Map<string, RegExp | null>();
  db.function('regexp', { deterministic: true, varargs: false }, (pattern: unknown, value: unknown) => {
    if (value === null || value === undefined || pattern === null || pattern === undefined) return null;
    const p = String(pattern);
    let re = cache.get(p);
    if (re === undefined) {
      try {
        re = new RegExp(posixToJs(p), 'u');
      } catch {
        re = null;
      }
      if (cache.size > 1000) cache.clear();
      cache.set(p, re);
    }
    if (re === null) throw new Error(`invalid regular expression: ${p}`);
    return re.test(String(value)) ? 1 : 0;
  });
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s', punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f', word: '\\w', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f', print: '\\x20-\\x7e', graph: '\\x21-\\x7e',
};

/** PostgreSQL's regular expressions are POSIX AREs; the common ground with JavaScript is wide, bracket classes aside. */
function posixToJs(pattern: string): string {
  return pattern.replace(/\[:(\w+):\]/g, (m, name: string) => POSIX_CLASSES[name] ?? m);
}

/** SQLite in one file (WAL mode, so readers never wait for the writer). */
export function sqliteDb(path: string): Db {
  // Facts and reports are private to the master: the file (and so SQLite's -wal and -shm files,
  // which take its mode) is 0600 however it was made.
  if (path !== ':memory:') {
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  registerRegexp(db);
  const statements = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  const prepare = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      if (statements.size > 500) statements.clear();
      statements.set(sql, s);
    }
    return s;
  };
  const bind = (params: unknown[]) => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p)) as never[];
  let depth = 0;
  return {
    dialect: 'sqlite',
    async run(sql, params = []) {
      prepare(sql).run(...bind(params));
    },
    async change(sql, params = []) {
      return Number(prepare(sql).run(...bind(params)).changes);
    },
    async all<T>(sql: string, params: unknown[] = []) {
      return prepare(sql).all(...bind(params)) as T[];
    },
    async each(sql, params, onRow) {
      // The cached statement answers objects for `all`: arrays only for this call (synchronous).
      const s = prepare(sql);
      s.setReturnArrays(true);
      try {
        for (const row of s.iterate(...bind(params))) onRow(row as unknown as unknown[]);
      } finally {
        s.setReturnArrays(false);
      }
    },
    async insertId(sql, params) {
      return Number(prepare(sql).run(...bind(params)).lastInsertRowid);
    },
    async transaction(fn) {
      // node:sqlite is synchronous; nested calls join the outer transaction.
      if (depth++ === 0) db.exec('BEGIN IMMEDIATE');
      try {
        await fn();
        if (depth === 1) db.exec('COMMIT');
      } catch (e) {
        if (depth === 1) db.exec('ROLLBACK');
        throw e;
      } finally {
        depth--;
      }
    },
    async close() {
      statements.clear();
      db.close();
    },
  };
}

/** PostgreSQL through a connection pool; several masters can share it. */
export function postgresDb(connectionString: string): Db {
  // Queries here are short and many: PostgreSQL's JIT compiler costs more than it saves. Off as
  // a startup option of each connection, so it holds before its first query (a `SET` sent from
  // the pool's 'connect' event raced the first query: pg warned "client.query() when the client
  // is already executing a query"). PGOPTIONS is kept; a connection string's own `options`
  // replaces both, as pg gives the connection string precedence.
  const options = [process.env.PGOPTIONS, '-c jit=off'].filter(Boolean).join(' ');
  const pool = new pg.Pool({ connectionString, max: 10, options });
  // An idle client that loses its server is dropped by the pool; without a listener the error
  // would end the process.
  pool.on('error', () => {});
  const toPg = (sql: string) => {
    let i = 0;
    return sql.replace(/\?/g, () => `$${++i}`);
  };
  const tx = new AsyncLocalStorage<pg.PoolClient>();
  const query = (sql: string, params: unknown[] = []) => (tx.getStore() ?? pool).query(toPg(sql), params);
  return {
    dialect: 'postgres',
    async run(sql, params) {
      await query(sql, params);
    },
    async change(sql, params) {
      return (await query(sql, params)).rowCount ?? 0;
    },
    async all<T>(sql: string, params?: unknown[]) {
      return (await query(sql, params)).rows as T[];
    },
    async each(sql, params, onRow) {
      // A Query with a 'row' listener and no callback hands each row over as it is parsed and
      // keeps none (the pool's query() takes no such Query: a client of its own is borrowed).
      const inTx = tx.getStore();
      const client = inTx ?? await pool.connect();
      try {
        await new Promise<void>((resolve, reject) => {
          const q = new pg.Query({ text: toPg(sql), values: params, rowMode: 'array' } as pg.QueryConfig<unknown[]>);
          let failed: { e: unknown } | undefined;
          q.on('row', (row: unknown[]) => {
            if (failed) return;
            try {
              onRow(row);
            } catch (e) {
              failed = { e };
            }
          });
          q.on('error', reject);
          q.on('end', () => (failed ? reject(failed.e) : resolve()));
          void client.query(q);
        });
      } finally {
        if (!inTx) client.release();
      }
    },
    async insertId(sql, params) {
      return Number((await query(`${sql} RETURNING id`, params)).rows[0].id);
    },
    async transaction(fn) {
      if (tx.getStore()) return fn();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await tx.run(client, fn);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
