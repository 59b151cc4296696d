// Where evaluation is, and what unwinds it: the frame code runs in, the lambdas functions
// receive, the signals of break/next/return, and errors placed at a position in that code.
import type * as A from '@kasper/language';
import type { CompileError } from './errors.ts';
import { raise, type CompilerCode, type MessageArgs } from './messages.ts';
import { locate, type SourceFile } from './loader.ts';
import type { ResourceState } from './resources.ts';
import type { Scope } from './scope.ts';
import type { Value } from './values.ts';

/** Where evaluation is: the scope, the file (for positions) and the container of new resources. */
export interface Frame {
  scope: Scope;
  file: SourceFile;
  /** The class, define or node resource that contains resources declared here. */
  container: ResourceState;
}

/** A callable lambda, as functions receive it. */
export interface Lambda {
  parameters: A.Parameter[];
  /** Calls the lambda with positional arguments. */
  call(args: Value[]): Value;
}

/**
 * Control flow out of loops, lambdas and functions. Each signal carries the error to raise, at
 * the call of break()/next()/return(), when it reaches a place that may not be left that way
 * (Puppet's "break() from context where this is illegal"): `illegal`.
 */
export abstract class ControlSignal {
  readonly illegal: CompileError | undefined;
  constructor(illegal: CompileError | undefined) {
    this.illegal = illegal;
  }
}
export class BreakSignal extends ControlSignal {}
export class NextSignal extends ControlSignal {
  readonly value: Value;
  constructor(value: Value, illegal?: CompileError) {
    super(illegal);
    this.value = value;
  }
}
export class ReturnSignal extends ControlSignal {
  readonly value: Value;
  constructor(value: Value, illegal?: CompileError) {
    super(illegal);
    this.value = value;
  }
}

/** A signal that reached a place it may not leave: its located error (or the value itself). */
export function illegalSignal(s: unknown): unknown {
  return s instanceof ControlSignal && s.illegal ? s.illegal : s;
}

/** An error from the catalogue at a position in the code a frame runs. */
export function errorAt<C extends CompilerCode>(code: C, args: MessageArgs<C>, frame: Frame, at: A.Range): CompileError {
  return raise(code, args, locate(frame.file, at.start));
}
