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
