// External facts: files an administrator drops in /etc/kasper/facts.d. YAML and JSON files
// hold maps of facts; .txt files `key=value` lines; executables print either form.
import { accessSync, constants, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { FactsError, raise } from './messages.ts';
import { run } from './run.ts';

// The YAML parser is loaded on the first YAML fact file only (most hosts have none): start-up.
const require = createRequire(import.meta.url);
let yaml: typeof import('yaml') | undefined;
const parseYaml = (text: string): unknown => (yaml ??= require('yaml') as typeof import('yaml')).parse(text);


function keyValues(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([^=#\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

function structured(text: string): Record<string, unknown> | undefined {
  const t = text.trim();
  if (!t) return {};
  try {
    const v = t.startsWith('{') ? JSON.parse(t) : parseYaml(t);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function asMap(v: unknown, path: string): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  throw raise('KSP-FACTS-002', { path, kind: Array.isArray(v) ? 'list' : typeof v });
}

/** Output of an executable fact: JSON or YAML if it looks structured, else `key=value` lines. */
export function parseExecutableOutput(stdout: string): Record<string, unknown> {
  const looksStructured = /^\s*[{]|^---|^\s*[\w.-]+:(\s|$)/m.test(stdout) && !/^\s*[\w.-]+\s*=/m.test(stdout);
  return (looksStructured ? structured(stdout) : undefined) ?? keyValues(stdout);
}

async function readOne(path: string, name: string, timeoutMs: number): Promise<Record<string, unknown>> {
  if (/\.(ya?ml)$/.test(name)) return asMap(parseYaml(readFileSync(path, 'utf8')), path);
  if (name.endsWith('.json')) return asMap(JSON.parse(readFileSync(path, 'utf8')), path);
  if (name.endsWith('.txt')) return keyValues(readFileSync(path, 'utf8'));
  if (executable(path)) {
    try {
      const { stdout } = await run(path, [], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 });
      return parseExecutableOutput(stdout);
    } catch (e) {
      const err = e as Error & { killed?: boolean; code?: unknown; stderr?: string };
      if (err.killed) throw raise('KSP-FACTS-003', { path, ms: timeoutMs });
      throw raise('KSP-FACTS-004', { path, status: String(err.code), detail: err.stderr?.trim() ? `: ${err.stderr.trim().split('\n')[0]}` : '' });
    }
  }
  return {};
}

/**
 * Reads every external fact in the folders. Files are read (and executables run, each within
 * `timeoutMs`, 10 s by default) all at once, then merged in order: later folders win, and within
 * a folder later names in sorted order. A file that cannot be read is warned about and skipped.
 */
export async function loadExternalFacts(dirs: string[], timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const files: { path: string; name: string }[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue; // no such folder: no external facts from it
    }
    for (const name of names) if (!name.startsWith('.')) files.push({ path: join(dir, name), name });
  }
  const parts = await Promise.all(files.map(async ({ path, name }) => {
    try {
      return await readOne(path, name, timeoutMs);
    } catch (e) {
      const w = e instanceof FactsError ? e : raise('KSP-FACTS-001', { path, reason: (e as Error).message });
      process.emitWarning(w.message, { type: 'Warning', code: w.code });
      return {};
    }
  }));
  return Object.assign({}, ...parts);
}
