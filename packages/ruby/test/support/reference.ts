// Runs the real thing for expected answers: Debian's Ruby (the one its puppet package runs on)
// and Puppet 7 itself. Values go to Ruby as JSON written so that Ruby reads them as Puppet
// holds them: bigint as an Integer, a number always as a Float.
import { execFileSync } from 'node:child_process';
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
  return JSON.parse(text, (_k, v, ctx?: { source?: string }) => {
    if (typeof v === 'number') return ctx?.source !== undefined && !/[.eE]/.test(ctx.source) ? BigInt(ctx.source) : v;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return new Map(Object.entries(v));
    return v === null ? undefined : v;
  });
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
