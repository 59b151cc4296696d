// A node classifier's answer (Puppet's ENC: YAML with `classes` and `parameters`) as the compiler
// declares it, read with Ruby's YAML rules as Puppet reads it: a class with parameters is
// declared resource-like, one without (a list entry or an empty hash) include-like. The master's
// compiles and the push diff's (kasper code) read it this one way.
import { fromData, parseYaml11Data } from './facts.ts';
import type { Value } from './values.ts';

export function classificationFromYaml(yaml: string | undefined): { classes?: Map<string, Map<string, Value> | null>; parameters?: Map<string, Value> } {
  if (!yaml) return {};
  const doc = fromData(parseYaml11Data(yaml));
  if (!(doc instanceof Map)) return {};
  const raw = doc.get('classes');
  const classes = new Map<string, Map<string, Value> | null>();
  if (Array.isArray(raw)) for (const c of raw) classes.set(String(c).replace(/^::/, ''), null);
  else if (raw instanceof Map) {
    for (const [c, p] of raw) classes.set(String(c).replace(/^::/, ''), p instanceof Map && p.size ? p as Map<string, Value> : null);
  }
  const parameters = doc.get('parameters');
  return { classes, parameters: parameters instanceof Map ? parameters as Map<string, Value> : undefined };
}
