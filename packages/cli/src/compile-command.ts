// `kasper compile`: wiring of @kasper/compiler to the terminal.
import { Command } from 'commander';
import type { Output } from './output.ts';
import type { CompileOpts, LookupOpts } from './compile-action.ts';

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
    .option('--pretty', 'indent the JSON (the default on a terminal)')
    .option('--exported', 'keep the exported resources (marked "exported": true), as the copy stored for PuppetDB has them')
    .option('--render-as <format>', 'json: as `puppet catalog compile` prints it (a Deferred value as a String, with a warning); rich_data_json: as a master sends it to an agent (Deferred values kept)', 'json')
    .action(async (manifest: string | undefined, opts: CompileOpts) => {
      // Loaded on use: the compiler is not needed to start `kasper parser …`.
      const { runCompile } = await import('./compile-action.ts');
      await runCompile(manifest, opts, out);
    });
}

export function lookupCommand(out: Output): Command {
  return new Command('lookup')
    .description('look a key up in Hiera for a node, like puppet lookup')
    .argument('<key>', 'the key, e.g. ntp::servers (dots dig into hashes: users.alice.uid)')
    .requiredOption('--node <name>', 'the node (certname) whose hierarchy is searched')
    .option('--facts <file>', 'the node\'s facts, JSON or YAML')
    .option('--environment <name>', 'the environment', 'production')
    .option('--environmentpath <dir>', 'a folder of environments: <dir>/<environment>/{modules,data,hiera.yaml}')
    .option('--modulepath <paths>', 'module folders, separated by ":" (default: ./modules)')
    .option('--hiera-config <file>', 'the hiera.yaml to use (default: the environment\'s)')
    .option('--merge <strategy>', 'first, unique, hash or deep (default: lookup_options, else first)')
    .option('--explain', 'show every data file searched and what it held')
    .option('--render-as <format>', 'yaml or json', 'yaml')
    .action(async (key: string, opts: LookupOpts) => {
      const { runLookup } = await import('./compile-action.ts');
      runLookup(key, opts, out);
    });
}
