// Errors raised by module Ruby code, as JavaScript errors that name the Ruby file and line.

/** What the Ruby side reports about an exception (see Kasper::Entry.error_reply). */
export interface RubyErrorInfo {
  class: string;
  message: string;
  backtrace?: string[];
  line?: number | bigint;
  file?: string;
  syntax?: boolean;
  host?: number | bigint;
  /** A `break` or `throw` in a Ruby block, leaving it for the Ruby call that gave the block. */
  jump?: number | bigint;
}

/**
 * A `break` (or `throw`) in a Ruby block that the host was running (a block given with
 * call_function): it passes through the host's frames, as Ruby's own unwinding would, to the
 * Ruby call that gave the block, which ends with the break's value there. Not an error: code
 * between must let it through (as it lets any error through).
 */
export class RubyJump extends Error {
  /** Ruby's id for the jump. */
  readonly jump: number;
  constructor(jump: number) {
    super('a break out of a Ruby block');
    this.name = 'RubyJump';
    this.jump = jump;
  }
}

/** Where this package's own Ruby lives: frames there are the shim's, not the module's. */
const SHIM_FRAME = /\/packages\/ruby\/src\/ruby\/[a-z_]+\.rb:|^<internal:|^\/usr\/local\/lib\/ruby\/|^\/bundle\/|^eval:|^-e:/;

export class RubyError extends Error {
  /** The Ruby exception's class (`NoMethodError`, `Puppet::ParseError`). */
  readonly rubyClass: string;
  /** The Ruby exception's own message. */
  readonly detail: string;
  /** The module file the error happened in, when Ruby's backtrace names one. */
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly backtrace: readonly string[];

  constructor(message: string, info: { rubyClass: string; detail: string; file?: string; line?: number; backtrace?: readonly string[] }) {
    super(message);
    this.name = 'RubyError';
    this.rubyClass = info.rubyClass;
    this.detail = info.detail;
    this.file = info.file;
    this.line = info.line;
    this.backtrace = info.backtrace ?? [];
  }

  /**
   * Builds the error from Ruby's report. `expect` is the file the caller ran (a template, a
   * function's file): a frame in it wins; otherwise the first frame outside the shim.
   */
  static from(info: RubyErrorInfo, expect?: string): RubyError {
    const backtrace = info.backtrace ?? [];
    let file: string | undefined;
    let line: number | undefined;
    const at = (frame: string): [string, number] | undefined => {
      const m = /^(.*?):(\d+)(?::|$)/.exec(frame);
      return m ? [m[1], Number(m[2])] : undefined;
    };
    const frames = backtrace.map(at).filter((f): f is [string, number] => f !== undefined);
    if (info.syntax) {
      // Ruby names the file and line at the start of a syntax error's message.
      const m = /^(.*?):(\d+):/m.exec(info.message);
      if (m) [file, line] = [m[1], Number(m[2])];
    }
    if (file === undefined && expect !== undefined) {
      const hit = frames.find(([f]) => f === expect);
      if (hit) [file, line] = hit;
    }
    if (file === undefined) {
      const hit = backtrace.find((f) => !SHIM_FRAME.test(f));
      const parsed = hit === undefined ? undefined : at(hit);
      if (parsed) [file, line] = parsed;
    }
    if (file === undefined && info.file !== undefined) {
      file = info.file;
      line = info.line === undefined ? undefined : Number(info.line);
    }
    const detail = info.syntax ? info.message.replace(/^.*?:\d+: /, '') : info.message;
    const where = file === undefined ? '' : ` (${file}${line === undefined ? '' : `:${line}`})`;
    return new RubyError(`${info.class}: ${detail}${where}`, { rubyClass: info.class, detail, file, line, backtrace });
  }
}
