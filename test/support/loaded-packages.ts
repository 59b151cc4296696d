// Preloaded with `node --import <this file>` into a kasper process, it records which packages the
// process loaded (`@kasper/language`, `chevrotain`, …) and whether any TypeScript source was, and
// writes them as JSON to the file KASPER_LOADED_PACKAGES names when the process exits. The start-up
// tests use it to check that a command loads only what it needs.
import { registerHooks } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';

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

/** The packages a file of the bundled command (packages/cli/dist/bundle) holds, as the build recorded them. */
const bundles = new Map<string, Record<string, string[]>>();
function bundled(url: string): string[] | undefined {
  const m = url.match(/^(file:.*\/packages\/cli\/dist\/bundle\/)([^/]+\.js)$/);
  if (!m) return undefined;
  if (!bundles.has(m[1])) bundles.set(m[1], JSON.parse(readFileSync(new URL('packages.json', m[1]), 'utf8')) as Record<string, string[]>);
  return bundles.get(m[1])![m[2]] ?? [];
}

process.on('exit', () => {
  const file = process.env.KASPER_LOADED_PACKAGES;
  if (!file) return;
  const packages = [...new Set([...urls].flatMap((u) => bundled(u) ?? [packageOf(u)]).filter((p): p is string => p !== undefined))].sort();
  const typescript = [...urls].filter((u) => /\.[cm]?ts$/.test(u) && !u.includes('/test/support/'));
  // Modules loaded from node_modules (not bundled), by package: how many.
  const unbundled: Record<string, number> = {};
  for (const u of urls) {
    const dep = u.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (dep && !dep[1].startsWith('@kasper/')) unbundled[dep[1]] = (unbundled[dep[1]] ?? 0) + 1;
  }
  // Kasper's emitted modules loaded one by one, not from the bundled command (packages/cli/dist/bundle).
  const emitted = [...urls].filter((u) => /\/packages\/[^/]+\/dist\//.test(u) && !/\/packages\/cli\/dist\/(?:bundle|vendor)\//.test(u));
  writeFileSync(file, JSON.stringify({ packages, typescript, unbundled, emitted }));
});
