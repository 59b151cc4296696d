// Finding and reading Puppet sources on disk: `.pp` manifests and `.epp` templates.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Diagnostic } from './diagnostics.ts';
import { parseSource, type ParseResult } from './index.ts';

export const SOURCE_EXTENSIONS = ['.pp', '.epp'];

export function isSourceFile(path: string): boolean {
  return SOURCE_EXTENSIONS.some((ext) => path.endsWith(ext));
}

/**
 * Expands files and folders into the Puppet sources they hold, recursively, in a stable order.
 * A path that does not exist is reported, not thrown.
 */
export function collectSourceFiles(paths: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const visit = (path: string, explicit: boolean) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      if (explicit) missing.push(path);
      return;
    }
    if (st.isDirectory()) {
      const entries = readdirSync(path).sort();
      for (const e of entries) {
        if (e === 'node_modules' || e.startsWith('.')) continue;
        visit(join(path, e), false);
      }
    } else if (explicit || isSourceFile(path)) {
      files.push(path);
    }
  };
  for (const p of paths) visit(p, true);
  return { files, missing };
}

export interface FileResult {
  file: string;
  text: string;
  result: ParseResult | null;
  /** Set when the file could not be read at all. */
  readError?: string;
}

/** Reads and parses one file; an unreadable file is a result, not an exception. */
export function parseFile(file: string): FileResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { file, text: '', result: null, readError: (e as Error).message };
  }
  return { file, text, result: parseSource(text, file) };
}

export function errorCount(diagnostics: Diagnostic[]): number {
  return diagnostics.filter((d) => d.severity === 'error').length;
}
