// The report as JSON: the schema in docs/diff-schema.json, `schema` names its version.
import type { DiffReport } from '../model.ts';

export function renderJson(r: DiffReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}
