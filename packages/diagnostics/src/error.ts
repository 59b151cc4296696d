// One error shape for every package: a code from a catalogue, its arguments, the message they
// make, a severity, an optional place in a file, and the HTTP status it maps to. It survives
// worker and HTTP boundaries as plain JSON (toJSON / fromJSON), so a compile error keeps its
// code from the compile worker to the agent's terminal.
import { formatMessage, messageDef, type Catalogue, type Severity } from './catalogue.ts';

export interface Location {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  endLine?: number;
  endColumn?: number;
}

export interface DiagnosticData {
  code: string;
  message: string;
  severity: Severity;
  location?: Location;
  args?: Record<string, unknown>;
}

export class KasperError extends Error {
  readonly code: string;
  readonly args: Record<string, unknown>;
  readonly severity: Severity;
  readonly location: Location | undefined;
  readonly statusCode: number;
  constructor(code: string, message: string, options: { args?: Record<string, unknown>; severity?: Severity; location?: Location; status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KasperError';
    this.code = code;
    this.args = options.args ?? {};
    this.severity = options.severity ?? 'error';
    this.location = options.location;
    this.statusCode = options.status ?? 500;
  }

  /** `message (file: F, line: L, column: C)`, as Puppet words its evaluation errors. */
  describe(): string {
    const l = this.location;
    return l ? `${this.message} (file: ${l.file}, line: ${l.line}, column: ${l.column})` : this.message;
  }

  toJSON(): DiagnosticData {
    return { code: this.code, message: this.message, severity: this.severity, ...(this.location ? { location: this.location } : {}), ...(Object.keys(this.args).length ? { args: this.args } : {}) };
  }

  /** The error again from its JSON (across a worker or an HTTP answer). */
  static fromJSON(d: DiagnosticData): KasperError {
    return new KasperError(d.code, d.message, { args: d.args, severity: d.severity, location: d.location, status: messageDef(d.code)?.status });
  }
}

/**
 * A raiser bound to a catalogue: `raise('KSP-CA-003', { name })` builds the KasperError with the
 * catalogue's message, severity and status. Packages export theirs from `messages.ts`.
 */
export function raiser<C extends string, E extends KasperError = KasperError>(catalogue: Catalogue<C>, ErrorClass: ErrorClassOf<E> = KasperError as unknown as ErrorClassOf<E>) {
  return (code: C, args: Record<string, unknown> = {}, location?: Location, cause?: unknown): E => {
    const def = catalogue.messages[code];
    return new ErrorClass(code, formatMessage(def.message, args), { args, severity: def.severity, location, status: def.status, cause });
  };
}

/** A KasperError subclass a package raises (`CAError`), constructed as KasperError is. */
export type ErrorClassOf<E extends KasperError> = new (code: string, message: string, options: ConstructorParameters<typeof KasperError>[2]) => E;

export function isKasperError(e: unknown): e is KasperError {
  return e instanceof KasperError;
}
