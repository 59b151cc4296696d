// The node classifier: Puppet's external node classifier (ENC) contract. An executable named by
// `external_nodes` gets the certname as its argument and prints YAML: `environment` (which wins
// over the agent's, as in Puppet), `classes` (a list, or a hash of class → parameters) and
// `parameters` (top-scope variables). Without one, a node is in the environment it asks for.
import { parse as parseYaml } from 'yaml';
import { runHook, Slots } from '@kasper/hooks';
import { raise } from './messages.ts';
import { isEnvironmentName } from './names.ts';

export interface Classification {
  /** The environment the classifier put the node in, if it said. */
  environment?: string;
  /** Classes to declare, each with its parameters (empty for `include`-like). */
  classes: Record<string, Record<string, unknown>>;
  parameters: Record<string, unknown>;
  /** The classifier's YAML as it printed it, for the compiler to read with Ruby's YAML rules. */
  yaml?: string;
}

export const EMPTY_CLASSIFICATION: Classification = { classes: {}, parameters: {} };

const CLASS_NAME = /^(?:::)?[a-z][a-z0-9_]*(?:::[a-z][a-z0-9_]*)*$/;
const slots = new Slots(8, 1000);

/** Reads a classifier's YAML answer; throws KSP-MASTER-010 when it is not one. */
export function parseClassification(text: string, node: string): Classification {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw raise('KSP-MASTER-010', { node, reason: `not YAML: ${(e as Error).message}` });
  }
  if (doc === null || doc === undefined) return EMPTY_CLASSIFICATION;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw raise('KSP-MASTER-010', { node, reason: 'not a hash' });
  const d = doc as { environment?: unknown; classes?: unknown; parameters?: unknown };
  const out: Classification = { classes: {}, parameters: {}, yaml: text };
  if (d.environment !== undefined && d.environment !== null) {
    if (typeof d.environment !== 'string' || !isEnvironmentName(d.environment)) {
      throw raise('KSP-MASTER-010', { node, reason: `an invalid environment '${String(d.environment).slice(0, 100)}'` });
    }
    out.environment = d.environment;
  }
  const classes = d.classes ?? [];
  const entries: [string, unknown][] = Array.isArray(classes) ? classes.map((c) => [String(c), {}]) : typeof classes === 'object' ? Object.entries(classes as object) : [];
  for (const [name, params] of entries) {
    if (!CLASS_NAME.test(name)) throw raise('KSP-MASTER-010', { node, reason: `an invalid class name '${name.slice(0, 100)}'` });
    if (params !== null && params !== undefined && (typeof params !== 'object' || Array.isArray(params))) {
      throw raise('KSP-MASTER-010', { node, reason: `parameters of class ${name} that are not a hash` });
    }
    out.classes[name.replace(/^::/, '')] = (params ?? {}) as Record<string, unknown>;
  }
  if (d.parameters !== undefined && d.parameters !== null) {
    if (typeof d.parameters !== 'object' || Array.isArray(d.parameters)) throw raise('KSP-MASTER-010', { node, reason: 'parameters that are not a hash' });
    out.parameters = d.parameters as Record<string, unknown>;
  }
  return out;
}

/** Runs the classifier for a node (at most 8 at once, 30 s each, 1 MiB of answer). */
export async function classify(executable: string | undefined, node: string, timeoutMs = 30_000): Promise<Classification> {
  if (!executable) return EMPTY_CLASSIFICATION;
  const r = await slots.run(() => runHook(executable, [node], { timeoutMs, maxOutputBytes: 1024 * 1024 }));
  if (!r) throw raise('KSP-MASTER-012');
  if (r.code !== 0) throw raise('KSP-MASTER-011', { node, reason: r.reason });
  return parseClassification(r.stdout, node);
}
