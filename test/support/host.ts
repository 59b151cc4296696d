// Tests that need root, apt, namespaces or Puppet skip with a stated reason on a laptop.
// CI sets KASPER_REQUIRE_ALL=1 (in .ci/run), which turns every such skip into a failure.
import type { TestContext } from 'node:test';
import { execFileSync } from 'node:child_process';

export const requireAll = process.env.KASPER_REQUIRE_ALL === '1';

/** Skips the test with `reason` unless `ok`; under KASPER_REQUIRE_ALL the skip is a failure. */
export function needs(t: TestContext, ok: boolean, reason: string): boolean {
  if (ok) return true;
  if (requireAll) throw new Error(`required by CI (KASPER_REQUIRE_ALL=1) but unavailable: ${reason}`);
  t.skip(reason);
  return false;
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure Debian packages providing these commands are installed (as root, with apt-get,
 * refreshing the package lists once if needed). Returns a reason when they cannot be.
 */
export function ensureCommands(packages: Record<string, string>): string | null {
  const missing = Object.entries(packages).filter(([cmd]) => !hasCommand(cmd));
  if (missing.length === 0) return null;
  if (!isRoot || !hasCommand('apt-get')) return `missing ${missing.map(([c]) => c).join(', ')} (install ${missing.map(([, p]) => p).join(' ')})`;
  // Another apt or dpkg (a test's package provider) may hold the lock for a while: wait for it.
  const lockWait = ['-o', 'DPkg::Lock::Timeout=600'];
  const install = () => execFileSync('apt-get', [...lockWait, 'install', '-y', '-q', ...new Set(missing.map(([, p]) => p))], { stdio: 'pipe', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    install();
  } catch {
    try {
      execFileSync('apt-get', [...lockWait, 'update', '-qq'], { stdio: 'pipe' });
      install();
    } catch (e) {
      return `could not install ${missing.map(([, p]) => p).join(' ')}: ${(e as Error).message}`;
    }
  }
  return missing.every(([cmd]) => hasCommand(cmd)) ? null : `installed, but still missing ${missing.map(([c]) => c).join(', ')}`;
}
