// Checks Puppet applies after parsing (its validator, checker4_0): what the grammar accepts but
// the language forbids.
import type { Program } from './ast.ts';
import type { DiagnosticCode } from './diagnostics.ts';
import type { SourceKind } from './lexer.ts';

export interface ValidationProblem {
  code: DiagnosticCode;
  message: string;
  start: number;
  end: number;
}

export function validate(program: Program, kind: SourceKind): ValidationProblem[] {
  void program;
  void kind;
  return [];
}
