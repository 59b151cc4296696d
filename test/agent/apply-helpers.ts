// Compiles Puppet code and applies it to this host with the real providers, for the agent's
// end-to-end tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCatalog, type Value } from '../../packages/compiler/src/index.ts';
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
  const catalog = compileCatalog({
    environment: { name: 'production', manifest, modulepath: [join(dir, 'modules')] },
    node: 'test.example.com',
    facts: options.facts ?? new Map<string, Value>([['os', new Map<Value, Value>([['family', 'Debian']])]]),
  });
  const lines: string[] = [];
  const t = new Transaction(catalog, {
    noop: options.noop,
    registry: new Registry(),
    host: detectHost(),
    exec: options.exec ?? new SystemExecutor(),
    bucketDir: join(dir, 'bucket'),
    onLog: (level, source, message) => lines.push(`${level}: ${source}: ${message}`),
  });
  return { report: await t.run(), lines };
}

export function changedRefs(report: Report): string[] {
  return report.statuses.filter((s) => s.changed).map((s) => s.resource).sort();
}
