// The functions Puppet code can call, by name. Each file holds a family. Each function declares
// its signature (signature.ts), which calls are checked against before it runs; it raises its
// own errors through ctx.error so they carry the caller's position, and sees the compilation
// only through its CallContext (context.ts).
import type { BuiltinFunction } from './signature.ts';
import { CORE_FUNCTIONS } from './core.ts';
import { ITERATION_FUNCTIONS } from './iteration.ts';
import { LOOKUP_FUNCTIONS } from './lookup.ts';
import { STRING_FUNCTIONS } from './strings.ts';
import { COLLECTION_FUNCTIONS } from './collections.ts';
import { CONVERSION_FUNCTIONS } from './conversions.ts';
import { STDLIB_FUNCTIONS } from './stdlib.ts';

export const BUILTIN_FUNCTIONS = new Map<string, BuiltinFunction>([
  ...CORE_FUNCTIONS,
  ...ITERATION_FUNCTIONS,
  ...LOOKUP_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...COLLECTION_FUNCTIONS,
  ...CONVERSION_FUNCTIONS,
  ...STDLIB_FUNCTIONS,
].map((f) => [f.name, f]));

export type { CallContext, PuppetFunction, ResourceView } from './context.ts';
