// `kasper apply`, `kasper facts`, `kasper resource`, `kasper filebucket`: arguments only; the
// settings' flags come from @kasper/settings' table.
import { Command } from 'commander';
import type { Output } from './output.ts';
import type { ApplyOpts } from './apply-action.ts';
import { settingOptions } from './settings.ts';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function applyCommand(out: Output): Command {
  return settingOptions(new Command('apply')
    .description('compile a manifest for this host and converge it, like puppet apply')
    .argument('[manifest]', 'a manifest file or a folder of manifests')
    .option('-e, --execute <code>', 'apply this Puppet code instead of a manifest')
    .option('--facts-override <file>', 'JSON or YAML facts that replace the collected ones')
    .option('--report <file>', 'also write the run report (JSON) here')
    .option('--catalog <file>', 'also write the compiled catalog (JSON) here'), 'apply')
    .action(async (manifest: string | undefined, opts: ApplyOpts) => {
      const { runApply } = await import('./apply-action.ts');
      await runApply(manifest, opts, out);
    });
}

export function factsCommand(out: Output): Command {
  return new Command('facts')
    .description('print this host\'s facts (all, or one by dotted name: os.release.major)')
    .argument('[name]', 'a fact name; dots dig into structured facts')
    .option('--format <format>', 'json or yaml', 'json')
    .option('--external-dir <dir>', 'a folder of external facts (repeatable; default /etc/kasper/facts.d)', collect)
    .option('--modulepath <paths>', 'module folders (":"-separated) whose custom facts (lib/facter/*.rb) are resolved too')
    .option('--environmentpath <dir>', 'a folder of environments: the custom facts of --environment\'s modulepath are resolved too')
    .option('--environment <name>', 'the environment, with --environmentpath', 'production')
    .action(async (name: string | undefined, opts: { format: string; externalDir?: string[]; modulepath?: string; environmentpath?: string; environment?: string }) => {
      const { runFacts } = await import('./facts-action.ts');
      await runFacts(name, opts, out);
    });
}

export function resourceCommand(out: Output): Command {
  return settingOptions(new Command('resource'), 'resource')
    .description('show the current state of resources on this host, like puppet resource')
    .argument('<type>', 'a resource type: user, group, package, service, file, …')
    .argument('[name]', 'one resource (all of them when the type can list them)')
    .option('--format <format>', 'puppet (the Puppet language) or json', 'puppet')
    .action(async (type: string, name: string | undefined, opts: { format: string; vardir?: string }) => {
      const { runResource } = await import('./apply-action.ts');
      await runResource(type, name, opts, out);
    });
}

export function filebucketCommand(out: Output): Command {
  return settingOptions(new Command('filebucket'), 'filebucket')
    .description('contents kept before files were replaced: list, get CHECKSUM, restore PATH CHECKSUM')
    .argument('<action>', 'list, get or restore')
    .argument('[args...]', 'get: CHECKSUM; restore: PATH CHECKSUM')
    .action(async (action: string, args: string[], opts: { vardir?: string }) => {
      const { runFilebucket } = await import('./apply-action.ts');
      await runFilebucket(action, args, opts, out);
    });
}
