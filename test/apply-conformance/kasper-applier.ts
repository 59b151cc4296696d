// Kasper's side of the procedure: the manifest compiled and applied in-process.
import { apply } from '../agent/apply-helpers.ts';
import type { Applier } from './harness.ts';

export const KASPER_USER = 'kaspackas';

export const kasper: Applier = async (manifest, noop, work) => {
  const { lines } = await apply(manifest, { noop, dir: work });
  return { lines };
};
