// Compile errors are data: a code from the compiler's catalogue (messages.ts), its arguments, the
// message they make, and where in the Puppet code it happened. Messages are worded for the person
// reading the manifest: which variable, which parameter, which class, and where the conflicting
// declaration was.
import { KasperError, type Location } from '@kasper/diagnostics';

/** A place in a manifest: file, 1-based line and column. */
export type SourceLocation = Location;

/**
 * What compiling throws: a KasperError (code, arguments, message, location) raised from the
 * compiler's catalogue, or a syntax error keeping the parser's code. `describe()` words it as
 * Puppet words its evaluation errors.
 */
export class CompileError extends KasperError {
  constructor(code: string, message: string, options: ConstructorParameters<typeof KasperError>[2] = {}) {
    super(code, message, options);
    this.name = 'CompileError';
  }

  /** The same error at another place (an argument error moves from the definition to the call). */
  at(location: Location | undefined): CompileError {
    return new CompileError(this.code, this.message, { args: this.args, severity: this.severity, location, status: this.statusCode });
  }
}
