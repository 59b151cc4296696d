// Kasper's own value model and type system, as the compiler will hand them to this package:
// the ValueFactory that makes Ruby's new values into the compiler's, and type checks by
// Kasper's type system. Tests only (the package itself never imports the compiler); a sketch of
// the wiring the compiler does.
import type { FunctionHost, PuppetValue, ValueFactory } from '../../src/index.ts';
import { DEFAULT, PBinary, PRegexp, PSensitive, PTimestamp, type Value } from '../../../compiler/src/values.ts';
import { classType, describeArgumentMismatch, inferType, generalize, resourceType, type PType } from '../../../compiler/src/types/index.ts';
import { parseType } from '../../../compiler/src/functions/signature.ts';

export const kasperValues: ValueFactory = {
  default: DEFAULT,
  regexp: (pattern) => new PRegexp(pattern),
  sensitive: (value) => new PSensitive(value as Value),
  resource: (typeName, title) => resourceType(typeName, title),
  classRef: (name) => classType(name),
  type: (text) => parseType(text) as PuppetValue,
  timestamp: (text) => PTimestamp.fromMs(Date.parse(text.replace(/\.(\d{3})\d* UTC$/, '.$1Z'))),
  binary: (base64) => new PBinary(new Uint8Array(Buffer.from(base64, 'base64'))),
};

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
