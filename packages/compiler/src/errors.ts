// Compile errors are data: a stable code, a message, and where in the Puppet code it happened.
// Messages are worded for the person reading the manifest: which variable, which parameter,
// which class, and where the conflicting declaration was.

export const COMPILE_ERROR_CODES = {
  'KSP-EVAL-001': 'evaluation error',
  'KSP-EVAL-002': 'unknown variable used where a value is required',
  'KSP-EVAL-003': 'variable assigned twice in one scope',
  'KSP-EVAL-004': 'operator not applicable to these values',
  'KSP-EVAL-005': 'type mismatch',
  'KSP-EVAL-006': 'unknown function',
  'KSP-EVAL-007': 'wrong arguments to a function',
  'KSP-EVAL-008': 'fail() called',
  'KSP-RES-001': 'duplicate resource declaration',
  'KSP-RES-002': 'unknown resource type',
  'KSP-RES-003': 'invalid resource reference',
  'KSP-RES-004': 'invalid resource parameter',
  'KSP-CLASS-001': 'unknown class',
  'KSP-CLASS-002': 'class declared twice with parameters',
  'KSP-CLASS-003': 'class parameter error',
  'KSP-CLASS-004': 'a class placed in a run stage that does not exist',
  'KSP-LOAD-001': 'cannot read or parse a manifest',
  'KSP-TEMPLATE-001': 'template error',
  'KSP-HIERA-001': 'hiera configuration or data error',
  'KSP-NODE-001': 'no node definition matches',
} as const;

export type CompileErrorCode = keyof typeof COMPILE_ERROR_CODES;

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export class CompileError extends Error {
  readonly code: CompileErrorCode;
  readonly location: SourceLocation | null;
  constructor(code: CompileErrorCode, message: string, location: SourceLocation | null = null) {
    super(message);
    this.code = code;
    this.location = location;
    this.name = 'CompileError';
  }
  /** `message (file: F, line: L, column: C)`, like Puppet's evaluation errors. */
  describe(): string {
    const l = this.location;
    return l ? `${this.message} (file: ${l.file}, line: ${l.line}, column: ${l.column})` : this.message;
  }
}
