// Function signatures. Every built-in function declares its parameters (type and name, in
// Puppet's type syntax), whether it takes a block, and what it returns:
//
//   fn('split', 'String str, Any pattern', 'Array[String]', split)
//
// A name ending in `?` is optional; `*name` takes any number of arguments, `+name` at least
// one; `&block` is a lambda (`&block?` when it may be left out). Calls are checked against the
// signature before the function runs: the argument count, the block, and each argument against
// its parameter's type, so "parameter 'str' expects a String value, got Integer" comes from the
// type system. A parameter typed Any is left to the function, which words its own errors.
import type { CompileError } from '../errors.ts';
import { raise } from '../messages.ts';
import type { Lambda } from '../frame.ts';
import { Any, describeArgumentMismatch, parameterize, typeByName, type PType } from '../types/index.ts';
import { isType, type Value } from '../values.ts';
import type { CallContext, PuppetFunction } from './context.ts';

export interface Parameter {
  name: string;
  type: PType;
  optional: boolean;
  /** Takes all remaining arguments. */
  repeated: boolean;
}

export interface Signature {
  /** The signature as declared, for documentation. */
  readonly text: string;
  readonly params: readonly Parameter[];
  readonly block: 'none' | 'optional' | 'required';
  readonly returns: PType;
  /** Fewest and most arguments. */
  readonly min: number;
  readonly max: number;
}

export interface BuiltinFunction {
  readonly name: string;
  readonly signature: Signature;
  readonly call: PuppetFunction;
}

/** Declares a built-in function: its name, signature, return type and implementation. */
export function fn(name: string, params: string, returns: string, call: PuppetFunction): BuiltinFunction {
  // Parsed on the function's first call, not when the compiler loads: a compile calls a few dozen
  // of the ~300 (test/functions.test.ts parses every one).
  let signature: Signature | undefined;
  return {
    name,
    get signature() {
      return (signature ??= parseSignature(params, returns));
    },
    call,
  };
}

/** Checks a call against the signature: count, block, then each argument's type in order. */
export function checkCall(ctx: CallContext, sig: Signature, args: Value[], lambda: Lambda | null): void {
  expectArgs(ctx, args, sig.min, sig.max);
  if (sig.block === 'required') expectLambda(ctx, lambda);
  const { params } = sig;
  for (let i = 0; i < args.length; i++) {
    const p = params[i < params.length ? i : params.length - 1];
    if (p.type !== Any && !p.type.isInstance(args[i])) throw argumentError(ctx, p.name, p.type, args[i]);
  }
}

/** "'f' parameter 'p' expects a String value, got Integer". */
export function argumentError(ctx: CallContext, param: string, type: PType, v: Value): CompileError {
  return ctx.error('KSP-EVAL-007', { function: ctx.name, parameter: param, mismatch: describeArgumentMismatch(type, v) });
}

/** Checks the argument count: `expectArgs(ctx, args, 1, 2)`. */
export function expectArgs(ctx: CallContext, args: Value[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expect = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
    throw ctx.error('KSP-EVAL-009', { callee: `'${ctx.name}'`, expected: `${expect} argument${expect === '1' ? '' : 's'}`, count: args.length });
  }
}

export function expectLambda(ctx: CallContext, lambda: Lambda | null): Lambda {
  if (!lambda) throw ctx.error('KSP-EVAL-010', { function: ctx.name, example: '|$x| { … }' });
  return lambda;
}

// ---------------------------------------------------------------- parsing signatures

function parseSignature(text: string, returns: string): Signature {
  const params: Parameter[] = [];
  let block: Signature['block'] = 'none';
  for (const part of splitTopLevel(text)) {
    const m = /^(.*\S)\s+([*+&]?)([a-z_]\w*)(\??)$/.exec(part);
    if (!m) throw raise('KSP-FUNC-036', { parameter: part, signature: text });
    const [, typeText, kind, name, optional] = m;
    if (kind === '&') {
      block = optional ? 'optional' : 'required';
      continue;
    }
    if (block !== 'none' || params.some((p) => p.repeated)) throw raise('KSP-FUNC-037', { name, signature: text });
    params.push({ name, type: parseType(typeText), optional: optional === '?' || kind === '*', repeated: kind === '*' || kind === '+' });
  }
  const min = params.filter((p) => !p.optional).length;
  const max = params.some((p) => p.repeated) ? Infinity : params.length;
  return { text, params, block, returns: parseType(returns), min, max };
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (text.trim()) out.push(text.slice(start).trim());
  return out;
}

/** A built-in type written in Puppet's syntax: `Variant[String, Array[String, 1]]`. */
export function parseType(text: string): PType {
  const t = typeArgument(text.trim());
  if (!isType(t)) throw raise('KSP-FUNC-038', { text });
  return t;
}

function typeArgument(text: string): Value {
  if (/^-?\d+$/.test(text)) return BigInt(text);
  if (text === 'default') return undefined;
  if (/^'[^']*'$/.test(text)) return text.slice(1, -1);
  const m = /^([A-Z]\w*)(?:\[(.*)\])?$/s.exec(text);
  const base = m ? typeByName(m[1]) : undefined;
  if (!m || !base) throw raise('KSP-FUNC-039', { text });
  return m[2] === undefined ? base : parameterize(base, splitTopLevel(m[2]).map(typeArgument));
}
