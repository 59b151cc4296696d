// Kasper's own value model and type system, as the compiler hands them to this package: the
// compiler's ValueFactory that makes Ruby's new values into the compiler's, and type checks by
// Kasper's type system (a sketch of the compiler's, which also knows a compilation's aliases).
// Tests only: the package itself never imports the compiler.
import type { FunctionHost, PuppetValue, ValueFactory } from '../../src/index.ts';
import type { Value } from '../../../compiler/src/values.ts';
import { RUBY_VALUES } from '../../../compiler/src/ruby.ts';
import { describeArgumentMismatch, inferType, generalize, type PType } from '../../../compiler/src/types/index.ts';
import { parseType } from '../../../compiler/src/functions/signature.ts';

/** The compiler's own factory: what Ruby makes is what a compilation gets. */
export const kasperValues: ValueFactory = RUBY_VALUES;

const parsed = new Map<string, PType | null>();

/** Kasper's type for the text, or null when it names a type only a module defines (an alias). */
export function kasperType(text: string): PType | null {
  if (!parsed.has(text)) {
    try {
      parsed.set(text, parseType(text));
    } catch {
      parsed.set(text, null);
    }
  }
  return parsed.get(text)!;
}

/** The type checks a FunctionHost needs, by Kasper's type system (aliases accepted as Any). */
export const kasperTypes: Pick<FunctionHost, 'isInstance' | 'describeMismatch' | 'inferType' | 'parseType'> = {
  isInstance: (type, value) => kasperType(type)?.isInstance(value as Value) ?? true,
  describeMismatch: (type, value) => {
    const t = kasperType(type);
    return t ? describeArgumentMismatch(t, value as Value) : `expects a ${type} value`;
  },
  inferType: (value, mode) => {
    const t = inferType(value as Value);
    return String(mode === 'reduced' && (Array.isArray(value) || value instanceof Map) ? generalize(t) : t);
  },
  parseType: (text) => parseType(text) as PuppetValue,
};
