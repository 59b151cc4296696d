// Compiles Puppet code and applies it to this host with the real providers, for the agent's
// end-to-end tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCatalog, deferredCaller, type Value } from '../../packages/compiler/src/index.ts';
import { Registry, SystemExecutor, detectHost, type Executor } from '../../packages/providers/src/index.ts';
import { Transaction, type Report } from '../../packages/agent/src/index.ts';

export function tempDir(prefix = 'kasper-agent-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface ApplyResult {
  report: Report;
  lines: string[];
}

export async function apply(code: string, options: { noop?: boolean; dir?: string; exec?: Executor; facts?: Map<string, Value> } = {}): Promise<ApplyResult> {
  const dir = options.dir ?? tempDir();
  const manifest = join(dir, 'site.pp');
  writeFileSync(manifest, code);
  const environment = { name: 'production', manifest, modulepath: [join(dir, 'modules')] };
  const facts = options.facts ?? new Map<string, Value>([['os', new Map<Value, Value>([['family', 'Debian']])]]);
  const catalog = compileCatalog({ environment, node: 'test.example.com', facts });
  const lines: string[] = [];
  const t = new Transaction(catalog, {
    noop: options.noop,
    registry: new Registry(),
    host: detectHost(),
    exec: options.exec ?? new SystemExecutor(),
    bucketDir: join(dir, 'bucket'),
    onLog: (level, source, message) => lines.push(`${level}: ${source}: ${message}`),
    // Deferred values resolved with the compiler's functions, as `kasper apply` wires them.
    deferred: { facts: plainData(facts) as Record<string, unknown>, call: deferredCaller({ environment, node: 'test.example.com', facts }) },
  });
  return { report: await t.run(), lines };
}

/** Facts as the agent has them: plain JSON data. */
function plainData(v: Value): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plainData);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plainData(x)]));
  return v ?? null;
}

export function changedRefs(report: Report): string[] {
  return report.statuses.filter((s) => s.changed).map((s) => s.resource).sort();
}
