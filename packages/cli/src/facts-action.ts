// The work behind `kasper facts`: only the facts package is loaded, so the command stays light.
// With a modulepath (or an environment), the modules' custom facts (lib/facter/*.rb) are
// resolved too, as `puppet facts show` does; Ruby starts only when a fact asked for is theirs.
import { join, resolve } from 'node:path';
import { collectFacts, formatFacts, moduleFactSources, type CustomFactSources } from '@kasper/facts';
import { printError, type Output } from './output.ts';

export interface FactsOpts {
  format: string;
  externalDir?: string[];
  /** Module folders, ":"-separated, whose lib/facter facts are resolved. */
  modulepath?: string;
  /** With environmentpath: the environment whose modulepath is used (environment.conf read). */
  environment?: string;
  environmentpath?: string;
}

/** The modulepath the options name: --modulepath, else the environment's, else none. */
async function modulepathOf(opts: FactsOpts): Promise<string[] | undefined> {
  if (opts.modulepath) return opts.modulepath.split(':').filter(Boolean).map((p) => resolve(p));
  if (!opts.environmentpath) return undefined;
  const name = opts.environment ?? 'production';
  // environment.conf is read as the compiler reads it (loaded only for this)
  const { environmentFromFolder } = await import('@kasper/compiler');
  return environmentFromFolder(join(resolve(opts.environmentpath), name), name).modulepath;
}

export async function runFacts(name: string | undefined, opts: FactsOpts, out: Output): Promise<void> {
  try {
    const modulepath = await modulepathOf(opts);
    const custom: CustomFactSources | undefined = modulepath ? moduleFactSources(modulepath) : undefined;
    const facts = await collectFacts({
      names: name ? [name] : undefined,
      externalDirs: opts.externalDir,
      custom,
      defaultProvider: custom ? (await import('@kasper/providers')).hostDefaultProviders() : undefined,
      // A fact file that does not load is logged and left out, as Facter does (a resolution
      // that raises is logged by the Facter shim itself).
      onCustomError: (e) => {
        if (!e.fact) out.stderr(`Error: Facter: error while loading custom facts from ${e.file ?? '?'}${e.line ? `:${e.line}` : ''}: ${e.message}\n`);
      },
    });
    out.stdout(formatFacts(facts, { format: opts.format === 'yaml' ? 'yaml' : 'json', name }));
  } catch (e) {
    printError(out, 'facts', e);
  }
}

