// Preloaded with `node --import <this file>` into a kasper process, it records which packages the
// process loaded (`@kasper/language`, `chevrotain`, …) and whether any TypeScript source was, and
// writes them as JSON to the file KASPER_LOADED_PACKAGES names when the process exits. The start-up
// tests use it to check that a command loads only what it needs.
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';

const urls = new Set<string>();
registerHooks({
  load(url, context, nextLoad) {
    urls.add(url);
    return nextLoad(url, context);
  },
});

/** The package a module URL belongs to: `@kasper/<folder>` for the workspace, else its npm name
 * (also for a third-party package bundled at install into packages/cli/dist/vendor/<name>.js). */
export function packageOf(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const vendored = url.match(/\/packages\/cli\/dist\/vendor\/([^/]+)\.js$/);
  if (vendored) return vendored[1].replace('+', '/');
  const dep = url.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (dep && !dep[1].startsWith('@kasper/')) return dep[1];
  const own = url.match(/\/packages\/([^/]+)\/(?:src|bin|dist)\//) ?? url.match(/\/node_modules\/@kasper\/([^/]+)\//);
  return own ? `@kasper/${own[1]}` : undefined;
}

process.on('exit', () => {
  const file = process.env.KASPER_LOADED_PACKAGES;
  if (!file) return;
  const packages = [...new Set([...urls].map(packageOf).filter((p): p is string => p !== undefined))].sort();
  const typescript = [...urls].filter((u) => /\.[cm]?ts$/.test(u) && !u.includes('/test/support/'));
  // Modules loaded from node_modules (not bundled), by package: how many.
  const unbundled: Record<string, number> = {};
  for (const u of urls) {
    const dep = u.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (dep && !dep[1].startsWith('@kasper/')) unbundled[dep[1]] = (unbundled[dep[1]] ?? 0) + 1;
  }
  writeFileSync(file, JSON.stringify({ packages, typescript, unbundled }));
});
