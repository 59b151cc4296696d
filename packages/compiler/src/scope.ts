// Variable scopes. Puppet scoping is static: a class's parent scope is the class it inherits
// from, or the node scope, or top scope; a define's likewise; a lambda sees the scope it was
// written in. Each scope assigns a name at most once.
import type { Value } from './values.ts';

export type ScopeKind = 'top' | 'node' | 'class' | 'define' | 'lambda' | 'function' | 'epp';

/** What a lookup of an unknown name answers (one frozen object: nothing is made for a miss). */
const NOT_FOUND: { found: boolean; value: Value } = Object.freeze({ found: false, value: undefined });

export class Scope {
  readonly kind: ScopeKind;
  readonly parent: Scope | null;
  /** For class scopes, the class name; for defines, the define's type name. */
  readonly name: string;
  private readonly vars = new Map<string, Value>();
  /** Where each variable was set, for "reassignment" errors (made on the first such variable: most scopes have none). */
  private setAt: Map<string, string> | null = null;
  /** Regex captures of the last match in this scope ($0, $1 …); shadowed per scope. */
  private matchData: Value[] | null = null;

  constructor(kind: ScopeKind, parent: Scope | null, name = '') {
    this.kind = kind;
    this.parent = parent;
    this.name = name;
  }

  /** Looks a name up in this scope and its parents; `has` distinguishes undef from unknown. */
  lookup(name: string): { found: boolean; value: Value } {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57 && /^\d+$/.test(name)) {
      for (let s: Scope | null = this; s; s = s.parent) {
        if (s.matchData) {
          const i = Number(name);
          return { found: i < s.matchData.length, value: s.matchData[i] };
        }
        if (s.kind !== 'lambda') break;
      }
      return NOT_FOUND;
    }
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined || s.vars.has(name)) return { found: true, value: v };
    }
    return NOT_FOUND;
  }

  hasLocal(name: string): boolean {
    return this.vars.has(name);
  }

  getLocal(name: string): Value {
    return this.vars.get(name);
  }

  /** Where a local variable was set (file:line), or undefined. */
  setWhere(name: string): string | undefined {
    return this.setAt?.get(name);
  }

  /** Where a variable visible from this scope was assigned (file:line), if it was by code. */
  origin(name: string): string | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      if (s.vars.has(name)) return s.setAt?.get(name);
    }
    return undefined;
  }

  /** Sets a variable; the caller checks for reassignment to report it with locations. */
  set(name: string, value: Value, where = ''): void {
    this.vars.set(name, value);
    if (where) (this.setAt ??= new Map()).set(name, where);
  }

  getMatch(): Value[] | null {
    return this.matchData;
  }

  setMatch(captures: Value[] | null): void {
    this.matchData = captures;
  }

  localNames(): string[] {
    return [...this.vars.keys()];
  }
}
