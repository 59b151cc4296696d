// Runs the real thing for expected answers: Debian's Ruby (the one its puppet package runs on)
// and Puppet 7 itself. Values go to Ruby as JSON written so that Ruby reads them as Puppet
// holds them: bigint as an Integer, a number always as a Float.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { hasCommand } from '../../../../test/support/host.ts';

export const SUPPORT = import.meta.dirname;

/** JSON for Ruby: integers from bigint, floats always with a '.', Maps as objects. */
export function rubyJson(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? `${v}.0` : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(rubyJson).join(',')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${JSON.stringify(String(k))}:${rubyJson(x)}`).join(',')}}`;
  throw new Error(`cannot write ${String(v)} as JSON for Ruby`);
}

/** JSON from Ruby, keeping integers (bigint) apart from floats, objects as Maps. */
export function fromRubyJson(text: string): unknown {
  // null stays null until its container takes it (a reviver returning undefined deletes).
  const undef = (x: unknown) => (x === null ? undefined : x);
  return undef(JSON.parse(text, (_k, v, ctx?: { source?: string }) => {
    if (typeof v === 'number') return ctx?.source !== undefined && !/[.eE]/.test(ctx.source) ? BigInt(ctx.source) : v;
    if (Array.isArray(v)) return v.map(undef);
    if (v !== null && typeof v === 'object') return new Map(Object.entries(v).map(([k, x]) => [k, undef(x)]));
    return v;
  }));
}

export const hasRuby = hasCommand('ruby');
export const hasPuppet = hasCommand('puppet');

export interface ErbCase {
  template: string;
  vars?: Map<string, unknown>;
  file?: string;
}

export type ErbAnswer = { out: string } | { error: string; class: string; line: number | null };

/** Renders the cases with Ruby's ERB as Puppet 7 does (test/support/ruby-erb.rb). */
export function rubyErb(cases: ErbCase[]): ErbAnswer[] {
  const input = `[${cases.map((c) => `{"template":${JSON.stringify(c.template)},"vars":${rubyJson(c.vars ?? new Map())}${c.file ? `,"file":${JSON.stringify(c.file)}` : ''}}`).join(',')}]`;
  const out = execFileSync('ruby', [join(SUPPORT, 'ruby-erb.rb')], { input, encoding: 'utf8' });
  return JSON.parse(out) as ErbAnswer[];
}

export interface FunctionCase {
  name: string;
  api: 'legacy' | 'modern';
  args: unknown[];
}

export type FunctionAnswer = { value: unknown } | { error: string; class: string };

/** Calls the functions with Puppet 7's Ruby and the modules in `modulepath` (puppet-functions.rb). */
export function puppetFunctions(modulepath: string, cases: FunctionCase[]): FunctionAnswer[] {
  const input = `[${cases.map((c) => `{"name":${JSON.stringify(c.name)},"api":"${c.api}","args":${rubyJson(c.args)}}`).join(',')}]`;
  const out = execFileSync('ruby', [join(SUPPORT, 'puppet-functions.rb'), modulepath], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'], maxBuffer: 64 * 2 ** 20 });
  return (fromRubyJson(out.trim().split('\n').pop()!) as unknown[]).map((a) => Object.fromEntries(a as Map<string, unknown>) as FunctionAnswer);
}

/** A value as puppet-functions.rb writes it: hashes as {"__hash__": [[k, v]...]}, objects by to_s. */
export function plain(v: unknown): unknown {
  if (v === undefined || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return new Map([['__hash__', [...v].map(([k, x]) => [plain(k), plain(x)])]]);
  return new Map([['to_s', String(v)]]);
}

/** What Puppet 7 itself knows of the types in these files (puppet-types.rb), by file. */
export function puppetTypes(modulepath: string, files: string[]): Record<string, unknown> {
  const out = execFileSync('ruby', [join(SUPPORT, 'puppet-types.rb'), modulepath, ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(out) as Record<string, unknown>;
}

export const hasFacter = hasCommand('facter');

/**
 * Facter 4's answer as JSON (`facter --json ARGS`). Facter exits non-zero when any fact logged
 * an error (in a container, /proc/1/environ is unreadable), so only the JSON counts.
 */
export function facterJson(args: string[]): Record<string, unknown> {
  const r = spawnSync('facter', ['--json', ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (!r.stdout.trim().startsWith('{')) throw new Error(`facter ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}
