// The functions Puppet code can call, by name. Each file holds a family; each function checks
// its own arguments and raises errors through ctx.error so they carry the caller's position.
import type * as A from '@kasper/language';
import type { Compilation } from '../compilation.ts';
import type { CompileError, CompileErrorCode } from '../errors.ts';
import type { Evaluator } from '../evaluator.ts';
import type { Frame, Lambda } from '../frame.ts';
import type { Value } from '../values.ts';
import { CORE_FUNCTIONS } from './core.ts';
import { ITERATION_FUNCTIONS } from './iteration.ts';
import { LOOKUP_FUNCTIONS } from './lookup.ts';
import { DATA_FUNCTIONS } from './data.ts';
import { STDLIB_FUNCTIONS } from './stdlib.ts';

export interface CallContext {
  compilation: Compilation;
  evaluator: Evaluator;
  frame: Frame;
  /** The call expression, for error positions. */
  at: A.Range;
  /** The function's name as called (lower case). */
  name: string;
  error(code: CompileErrorCode, message: string): CompileError;
}

export type PuppetFunction = (ctx: CallContext, args: Value[], lambda: Lambda | null) => Value;

export const BUILTIN_FUNCTIONS = new Map<string, PuppetFunction>([
  ...CORE_FUNCTIONS,
  ...ITERATION_FUNCTIONS,
  ...LOOKUP_FUNCTIONS,
  ...DATA_FUNCTIONS,
  ...STDLIB_FUNCTIONS,
]);

/** Checks the argument count: `expectArgs(ctx, args, 1, 2)`. */
export function expectArgs(ctx: CallContext, args: Value[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expect = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
    throw ctx.error('KSP-EVAL-007', `'${ctx.name}' expects ${expect} argument${expect === '1' ? '' : 's'}, got ${args.length}`);
  }
}

export function expectLambda(ctx: CallContext, lambda: Lambda | null): Lambda {
  if (!lambda) throw ctx.error('KSP-EVAL-007', `'${ctx.name}' expects a block (a lambda like |$x| { … })`);
  return lambda;
}
