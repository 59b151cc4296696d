// `kasper compile`: wiring of @kasper/compiler to the terminal.
import { Command } from 'commander';
import type { Output } from './output.ts';
import type { CompileOpts } from './compile-action.ts';

export function compileCommand(out: Output): Command {
  return new Command('compile')
    .description('compile a node\'s catalog from manifests and facts, and print it as JSON')
    .argument('[manifest]', 'the site manifest, a file or a folder (default: manifests/site.pp, or the environment\'s manifests/)')
    .requiredOption('--node <name>', 'the node (certname) to compile for')
    .option('--facts <file>', 'the node\'s facts, JSON or YAML')
    .option('--environment <name>', 'the environment', 'production')
    .option('--environmentpath <dir>', 'a folder of environments: <dir>/<environment>/{manifests,modules,hiera.yaml}')
    .option('--modulepath <paths>', 'module folders, separated by ":" (default: ./modules)')
    .option('--hiera-config <file>', 'the hiera.yaml to use')
    .action(async (manifest: string | undefined, opts: CompileOpts) => {
      // Loaded on use: the compiler is not needed to start `kasper parser …`.
      const { runCompile } = await import('./compile-action.ts');
      runCompile(manifest, opts, out);
    });
}
