// A real PostgreSQL server for tests: installed from Debian's packages when missing (as root),
// started in a temporary folder on loopback, stopped afterwards.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCommands, isRoot } from './host.ts';

export interface PgServer {
  url: string;
  stop(): void;
}

function pgBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

/**
 * Starts a server, or returns why it cannot: on loopback, or in a network namespace on one of
 * its addresses (`netns`, `address`), where other namespaces reach it.
 */
export function startPostgres(where: { netns?: string; address?: string } = {}): PgServer | { reason: string } {
  if (!isRoot) return { reason: 'a PostgreSQL server for tests needs root (to install and run it as the postgres user)' };
  if (!pgBin()) {
    const why = ensureCommands({ pg_lsclusters: 'postgresql' });
    if (why) return { reason: why };
  }
  const bin = pgBin();
  if (!bin) return { reason: 'PostgreSQL is installed but initdb was not found' };
  const dir = mkdtempSync(join(tmpdir(), 'kasper-pg-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const port = 20000 + (process.pid % 20000);
  const asPg = (args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe', cwd: '/' });
  const address = where.address ?? '127.0.0.1';
  asPg([join(bin, 'initdb'), '-D', join(dir, 'data'), '-A', 'trust', '-U', 'kasper', '--no-sync']);
  // Other namespaces connect from their own addresses, which initdb's pg_hba.conf does not list.
  if (where.address) appendFileSync(join(dir, 'data', 'pg_hba.conf'), `host all all ${where.address.replace(/\.\d+$/, '.0')}/24 trust\n`);
  const start = [join(bin, 'pg_ctl'), '-D', join(dir, 'data'), '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=${address} -c fsync=off`, 'start'];
  if (where.netns) execFileSync('ip', ['netns', 'exec', where.netns, 'runuser', '-u', 'postgres', '--', ...start], { stdio: 'pipe', cwd: '/' });
  else asPg(start);
  return {
    url: `postgres://kasper@${address}:${port}/postgres`,
    stop() {
      try {
        asPg([join(bin, 'pg_ctl'), '-D', join(dir, 'data'), '-w', '-m', 'fast', 'stop']);
      } catch { /* already gone */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
