// Facts for people (YAML) and programs (JSON), whole or one by dotted name.
import { createRequire } from 'node:module';
import { raise } from './messages.ts';

// The YAML writer is loaded only for `--format yaml`: start-up of the JSON default.
const require = createRequire(import.meta.url);
const stringify = (value: unknown): string => (require('yaml') as typeof import('yaml')).stringify(value);

function dig(facts: Record<string, unknown>, name: string): unknown {
  let v: unknown = facts;
  for (const k of name.split('.')) {
    if (v && typeof v === 'object' && !Array.isArray(v) && k in (v as object)) v = (v as Record<string, unknown>)[k];
    else if (Array.isArray(v) && /^\d+$/.test(k)) v = v[Number(k)];
    else throw raise('KSP-FACTS-005', { name });
  }
  return v;
}

export function formatFacts(facts: Record<string, unknown>, options: { format: 'json' | 'yaml'; name?: string }): string {
  const value = options.name ? dig(facts, options.name) : facts;
  if (options.format === 'yaml') return typeof value === 'object' && value !== null ? stringify(value) : `${String(value)}\n`;
  return `${JSON.stringify(value, null, 2)}\n`;
}
