// The facts document as Puppet's agents send it in a form field or a query parameter: JSON,
// URL-encoded once more by Puppet 7 on top of the form's own encoding.
import { raise } from './messages.ts';

export function parseFactsParam(value: string | undefined): unknown {
  if (value === undefined || value === '') return undefined;
  try {
    return JSON.parse(/^%7b/i.test(value) ? decodeURIComponent(value) : value);
  } catch (e) {
    throw raise('KSP-MASTER-006', { reason: (e as Error).message });
  }
}
