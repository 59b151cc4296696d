// The work behind `kasper facts`: only the facts package is loaded, so the command stays light.
import { collectFacts, formatFacts } from '@kasper/facts';
import { printError, type Output } from './output.ts';

export async function runFacts(name: string | undefined, opts: { format: string; externalDir?: string[] }, out: Output): Promise<void> {
  const facts = await collectFacts({ names: name ? [name] : undefined, externalDirs: opts.externalDir });
  try {
    out.stdout(formatFacts(facts, { format: opts.format === 'yaml' ? 'yaml' : 'json', name }));
  } catch (e) {
    printError(out, 'facts', e);
  }
}

