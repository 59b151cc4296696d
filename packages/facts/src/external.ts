// External facts: files an administrator drops in /etc/kasper/facts.d. YAML and JSON files
// hold maps of facts; .txt files `key=value` lines; executables print either form.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';

const run = promisify(execFile);

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

/** Reads every external fact in the folders (later folders and files win). */
export async function loadExternalFacts(dirs: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      try {
        if (/\.(ya?ml)$/.test(name)) Object.assign(out, parseYaml(readFileSync(path, 'utf8')) ?? {});
        else if (name.endsWith('.json')) Object.assign(out, JSON.parse(readFileSync(path, 'utf8')));
        else if (name.endsWith('.txt')) Object.assign(out, keyValues(readFileSync(path, 'utf8')));
        else if (executable(path)) {
          const { stdout } = await run(path, [], { timeout: 10_000 });
          const s = /^\s*[{]|^\s*\w+:\s/m.test(stdout) && !/^\s*\w+\s*=/m.test(stdout) ? structured(stdout) : undefined;
          Object.assign(out, s ?? keyValues(stdout));
        }
      } catch (e) {
        process.emitWarning(`Could not read external facts from ${path}: ${(e as Error).message}`);
      }
    }
  }
  return out;
}
