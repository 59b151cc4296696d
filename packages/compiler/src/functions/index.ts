// The functions Puppet code can call, by name. Each file holds a family; each function checks
// its own arguments and raises errors through ctx.error so they carry the caller's position.
// A function sees the compilation only through its CallContext (context.ts).
import type { PuppetFunction } from './context.ts';
import { CORE_FUNCTIONS } from './core.ts';
import { ITERATION_FUNCTIONS } from './iteration.ts';
import { LOOKUP_FUNCTIONS } from './lookup.ts';
import { DATA_FUNCTIONS } from './data.ts';
import { STDLIB_FUNCTIONS } from './stdlib.ts';

export const BUILTIN_FUNCTIONS = new Map<string, PuppetFunction>([
  ...CORE_FUNCTIONS,
  ...ITERATION_FUNCTIONS,
  ...LOOKUP_FUNCTIONS,
  ...DATA_FUNCTIONS,
  ...STDLIB_FUNCTIONS,
]);

export type { CallContext, PuppetFunction, ResourceView } from './context.ts';
