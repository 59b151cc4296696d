// Kasper's side of the procedure: the manifest compiled and applied in-process.
import { apply } from '../agent/apply-helpers.ts';
import { collectFacts } from '../../packages/facts/src/index.ts';
import { fromData, type Value } from '../../packages/compiler/src/index.ts';
import type { Applier } from './harness.ts';

export const KASPER_USER = 'kaspackas';

// This host's facts where a case reads them (a Deferred's `$facts` lookup), as puppet apply has them.
let hostFacts: Map<string, Value> | undefined;

export const kasper: Applier = async (manifest, noop, work) => {
  hostFacts ??= fromData(await collectFacts({ names: ['kernel', 'os'] })) as Map<string, Value>;
  const { lines } = await apply(manifest, { noop, dir: work, facts: hostFacts });
  return { lines };
};
