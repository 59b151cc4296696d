// The types Kasper implements natively that Puppet gets from a module (a Ruby type and
// provider), registered by registry.ts. The compiler still reads the module's type (the module
// has to be on the modulepath); the agent applies it with Kasper's provider.
import type { Provider, TypeDefinition } from './api.ts';
import { fileLineType } from './types/file_line.ts';
import { fileLineRuby } from './providers/file_line.ts';

/** Each type's name → the module Puppet has it from. */
export const MODULE_TYPES: Readonly<Record<string, string>> = {
  file_line: 'stdlib',
};

export const MODULE_TYPE_DEFINITIONS: TypeDefinition[] = [fileLineType];

export const MODULE_PROVIDERS: Provider[] = [fileLineRuby];
