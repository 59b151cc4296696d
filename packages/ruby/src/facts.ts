// Custom facts from modules (lib/facter/*.rb), resolved as Facter 4 resolves them: every file is
// loaded first, then each fact's suitable resolutions (confine) are tried by weight until one
// gives a value; Facter.value reads other custom facts or the host's (core, external) facts.
// Values are plain JSON data, as the facts package keeps them.
import { readFileSync } from 'node:fs';
import type { LogLevel } from './vm.ts';
import { loadRubySync, RawJson, UNHANDLED, type Context } from './vm.ts';
import { plainValues } from './values.ts';

export interface FactHost {
  /** A fact the host has (core or external), by name; dotted names reach inside (`os.family`). */
  fact(name: string): unknown;
  /**
   * Runs a command for Facter::Core::Execution.execute (and setcode 'command'): its output, or
   * undefined when the program is not found. Default: /bin/sh with LC_ALL=C, as Facter.
   */
  execute?(command: string, timeoutSeconds: number): { stdout: string; stderr?: string } | undefined;
  /** Where a program is (Facter::Core::Execution.which). Default: a PATH search. */
  which?(program: string): string | undefined;
  /**
   * The provider Puppet would choose for a resource type here (stdlib's package_provider and
   * service_provider facts ask). Without it those facts are left out.
   */
  defaultProvider?(type: string): string | undefined;
  log?(level: LogLevel, message: string): void;
}

export interface FactFile {
  path: string;
  source: string;
}

export interface FactError {
  /** The fact whose resolution failed, or undefined when the file failed to load. */
  fact?: string;
  file: string | undefined;
  line: number | undefined;
  rubyClass: string;
  message: string;
}

export interface RubyFactsResult {
  /** Resolved facts (nil ones left out), in the order the files define them. */
  values: Record<string, unknown>;
  errors: FactError[];
}

/** Ruby's answer as JSON data: hashes become objects, integers numbers. */
export function toJsonData(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(toJsonData);
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) if (x !== undefined) o[String(k)] = toJsonData(x);
    return o;
  }
  if (v !== null && typeof v === 'object') return String(v);
  return v;
}

/**
 * Loads custom fact files and resolves their facts (`names` to resolve only some; `libDirs`
 * where `require` looks, by default every module's lib beside each file). A file that
 * fails to load, or a resolution that raises, is reported in `errors` and leaves its facts out,
 * as Facter does.
 */
export function resolveRubyFacts(files: readonly (string | FactFile)[], host: FactHost, options: { names?: string[]; libDirs?: readonly string[] } = {}): RubyFactsResult {
  const vm = loadRubySync();
  const list = files.map((f) => (typeof f === 'string' ? { path: f, source: readFileSync(f, 'utf8') } : f));
  const ctx: Context = {
    values: plainValues,
    // `require` in fact files: these lib folders (an agent's synced plugins), else every
    // module's lib beside the file
    libDirs: options.libDirs,
    log: host.log?.bind(host),
    handle(op, args) {
      switch (op) {
        case 'fact':
          return new RawJson(JSON.stringify(host.fact(args[0])) ?? 'null');
        case 'execute_fact': {
          if (!host.execute) return UNHANDLED;
          const r = host.execute(args[0], Number(args[1]) || 300);
          return r === undefined ? undefined : new Map([['stdout', r.stdout], ['stderr', r.stderr ?? '']]);
        }
        case 'which':
          return host.which ? host.which(args[0]) : UNHANDLED;
        case 'default_provider':
          return host.defaultProvider ? host.defaultProvider(args[0]) : undefined;
        default:
          return UNHANDLED;
      }
    },
  };
  const fields = `"files":${JSON.stringify(list.map((f) => [f.path, f.source]))},"names":${options.names ? JSON.stringify(options.names) : 'null'}`;
  const r = vm.call('facts', fields, ctx) as Map<string, unknown>;
  const errors = (r.get('errors') as Map<string, unknown>[]).map((e) => ({
    fact: (e.get('fact') as string | undefined) ?? undefined,
    file: (e.get('file') as string | undefined) ?? undefined,
    line: e.get('line') === undefined ? undefined : Number(e.get('line')),
    rubyClass: e.get('class') as string,
    message: e.get('message') as string,
  }));
  return { values: toJsonData(r.get('values')) as Record<string, unknown>, errors };
}
