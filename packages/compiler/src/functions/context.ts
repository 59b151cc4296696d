// What a function sees of the compilation: its CallContext, what it may read and do.
import type * as A from '@kasper/language';
import type { CompileError } from '../errors.ts';
import type { CompilerCode, MessageArgs } from '../messages.ts';
import type { Lambda } from '../frame.ts';
import type { MergeOptions } from '../hiera.ts';
import type { Value } from '../values.ts';

/** What a function may see of a resource in the catalog. */
export interface ResourceView {
  readonly ref: string;
  readonly params: ReadonlyMap<string, Value>;
}

/**
 * One call of a function: its name, and what it may read and do, always from the place of the
 * call (its scope, its container, its position for errors).
 */
export interface CallContext {
  /** The function's name as called (lower case). */
  readonly name: string;
  /** An error from the compiler's catalogue, at the call. */
  error<C extends CompilerCode>(code: C, args: MessageArgs<C>): CompileError;

  /** A variable as the calling code sees it (`x`, `facts`, `mod::cls::y`); undef if unknown. */
  variable(name: string): Value;
  /** Evaluates an expression (a type written as a string, parsed) in the caller's scope. */
  evaluate(e: A.Expression): Value;
  /** Calls another function from the same place. */
  call(name: string, args: Value[], lambda: Lambda | null): Value;
  /**
   * Looks a key up in Hiera, interpolating with the caller's variables. `legacy` is a call from
   * the hiera_* functions, which Puppet confines to the global layer unless the environment has
   * a hiera.yaml of its own.
   */
  lookup(key: string, merge?: MergeOptions, legacy?: boolean): { found: boolean; value: Value };
  /** Logs at a level (notice, warning, …) with the call's position. */
  log(level: string, message: string): void;
  /** True the first time `key` is given in this compilation: for warnings Puppet gives once. */
  once(key: string): boolean;
  /** Where the call is: its file's path, line and column. */
  position(): { file: string; line: number; column: number };

  /** include: declares classes, each evaluated once. */
  include(names: string[]): void;
  /** require: include, and the calling class or define depends on the classes. */
  require(names: string[]): void;
  /** contain: include, and the calling class contains the classes. */
  contain(names: string[]): void;
  /** `class { name: … }` with parameters (create_resources('class', …)). */
  declareClass(name: string, params: Map<string, Value>): void;
  /**
   * Declares a resource as an expression would at the call. A title that is not a String (an
   * Integer from data) is kept as such for the resource's `$title` and `$name`, as Puppet does.
   */
  declareResource(typeName: string, title: Value, form: A.ResourceForm, params: Map<string, Value>): void;
  /** The resource `Type[title]`, by title or alias. */
  findResource(typeName: string, title: string): ResourceView | undefined;
  /** Makes virtual resources real (realize). */
  realize(refs: Value[]): void;
  /** Whether a name, variable (`'$x'`) or reference is defined (defined()). */
  isDefined(v: Value): boolean;
  /** Tags the calling class, define or node. */
  tag(tags: string[]): void;
  /** The tags of the calling class, define or node. */
  tags(): ReadonlySet<string>;
  /** What the calling code is in: a class (`foo::bar`), a defined type's instance (its type, `foo::d`), a node or top scope. */
  definition(): { kind: 'class' | 'define' | 'other'; name: string };

  /** `mod/path` → the file in the module's `templates` or `files` folder, if it exists. */
  moduleFile(spec: string, subdir: 'templates' | 'files'): string | undefined;
  /** A module's folder on the modulepath, by name. */
  moduleDirectory(name: string): string | undefined;
  /** A template's text (read once per compilation; part of the catalog version). */
  readText(path: string): string;
  /** Renders EPP source with parameters, in a scope that sees only top scope. */
  renderEpp(source: string, file: string, params: Value): Value;
  /** Renders ERB source in Ruby, seeing the caller's scope (`file` undefined for inline ERB). */
  renderErb(source: string, file: string | undefined, name: string | undefined): string;
  /** A PuppetDB query answered from the master's store (puppetdb_query); an error without one. */
  queryPuppetDB(query: string | unknown[]): unknown[];
}

export type PuppetFunction = (ctx: CallContext, args: Value[], lambda: Lambda | null) => Value;
