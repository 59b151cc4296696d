// Debian's modules one by one: `include <module>` for every module of Debian 12's
// `puppet-module-*` packages (/usr/share/puppet/modules), compiled by Kasper on the conformance
// suite's Debian 12 facts (test/conformance/modules-corpus/site/facts.yaml), no Hiera data.
// Each module compiles in a process of its own, so one that brings a process down cannot hide
// the others. Prints one line per module (ok, or the error's code and first line) and the count;
// docs/compiler.md ("Debian's modules, one by one") reports it.
//
//   node test/corpus/one-by-one.ts [--json FILE] [--jobs N] [module...]
//
// A measurement, not a test: the count says how far Kasper is, and what each module stops on.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MODULES = '/usr/share/puppet/modules';
const FACTS = join(import.meta.dirname, '../conformance/modules-corpus/site/facts.yaml');

interface Outcome {
  module: string;
  ok: boolean;
  /** The error's code (`KSP-…`) or how the process ended. */
  code?: string;
  message?: string;
  ms: number;
}

/** Compiles `include <module>` here and prints the outcome as JSON (the child's job). */
async function child(module: string): Promise<void> {
  const { compileCatalog, CompileError, fromData, parseYamlData } = await import('../../packages/compiler/src/index.ts');
  const dir = mkdtempSync(join(tmpdir(), `kasper-one-${module}-`));
  const t0 = performance.now();
  let out: Outcome;
  try {
    writeFileSync(join(dir, 'site.pp'), `include ${module}\n`);
    const facts = fromData(parseYamlData(readFileSync(FACTS, 'utf8')) ?? {}) as Map<string, never>;
    const node = 'web01.example.com';
    const trusted = new Map<string, never>([
      ['authenticated', 'remote' as never], ['certname', node as never], ['domain', 'example.com' as never],
      ['extensions', new Map() as never], ['external', new Map() as never], ['hostname', 'web01' as never],
    ]);
    compileCatalog({ environment: { name: 'production', manifest: join(dir, 'site.pp'), modulepath: [MODULES], directory: dir }, node, facts, trusted });
    out = { module, ok: true, ms: performance.now() - t0 };
  } catch (e) {
    const code = e instanceof CompileError ? e.code : (e as Error).name;
    out = { module, ok: false, code, message: (e as Error).message.split('\n')[0].slice(0, 300), ms: performance.now() - t0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function run(module: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [...process.execArgv, import.meta.filename, '--child', module], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d));
    p.stderr.on('data', (d: Buffer) => (stderr += d));
    p.on('close', (status, signal) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Outcome);
      } catch {
        const why = stderr.split('\n').find((l) => /\[BUG\]|Error|error/.test(l)) ?? stderr.split('\n')[0] ?? '';
        resolve({ module, ok: false, code: signal ? `signal ${signal}` : `exit ${status}`, message: why.slice(0, 300), ms: performance.now() - t0 });
      }
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]);
  let json: string | undefined;
  let jobs = 2;
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--json') json = args[++i];
    else if (args[i] === '--jobs') jobs = Number(args[++i]);
    else only.push(args[i]);
  }
  // A module's name is its folder's; saz-rsyslog's folder has no valid module name.
  const modules = (only.length ? only : readdirSync(MODULES).sort())
    .filter((m) => /^[a-z][a-z0-9_]*$/.test(m) && statSync(join(MODULES, m)).isDirectory());
  const results: Outcome[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, async () => {
    while (next < modules.length) {
      const m = modules[next++];
      const r = await run(m);
      results.push(r);
      process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${m}${r.ok ? '' : `  ${r.code}: ${r.message}`}\n`);
    }
  }));
  results.sort((a, b) => a.module.localeCompare(b.module));
  const ok = results.filter((r) => r.ok).length;
  process.stdout.write(`\n${ok} of ${results.length} modules compile with \`include <module>\`\n`);
  if (json) writeFileSync(json, `${JSON.stringify(results, null, 1)}\n`);
}

await main();
