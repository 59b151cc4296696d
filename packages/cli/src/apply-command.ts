// `kasper apply`, `kasper facts`, `kasper resource`, `kasper filebucket`: arguments only.
import { Command } from 'commander';
import type { Output } from './output.ts';
import type { ApplyOpts } from './apply-action.ts';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function applyCommand(out: Output): Command {
  return new Command('apply')
    .description('compile a manifest for this host and converge it, like puppet apply')
    .argument('[manifest]', 'a manifest file or a folder of manifests')
    .option('-e, --execute <code>', 'apply this Puppet code instead of a manifest')
    .option('--noop', 'show what would change, with diffs, and change nothing')
    .option('--modulepath <paths>', 'module folders, separated by ":" (default: modules beside the manifest)')
    .option('--hiera-config <file>', 'the hiera.yaml to use')
    .option('--environment <name>', 'the environment', 'production')
    .option('--facts-override <file>', 'JSON or YAML facts that replace the collected ones')
    .option('--detailed-exitcodes', 'exit 0 no changes, 2 changes, 4 failures, 6 both (as Puppet)')
    .option('--report <file>', 'also write the run report (JSON) here')
    .option('--catalog <file>', 'also write the compiled catalog (JSON) here')
    .option('--vardir <dir>', 'state folder: file bucket, reports, log (default /var/lib/kasper as root, ~/.kasper/var otherwise)')
    .option('--logdest <file>', 'JSON log file (default <vardir>/log/kasper.log)')
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
    .action(async (name: string | undefined, opts: { format: string; externalDir?: string[] }) => {
      const { runFacts } = await import('./facts-action.ts');
      await runFacts(name, opts, out);
    });
}

export function resourceCommand(out: Output): Command {
  return new Command('resource')
    .description('show the current state of resources on this host, like puppet resource')
    .argument('<type>', 'a resource type: user, group, package, service, file, …')
    .argument('[name]', 'one resource (all of them when the type can list them)')
    .option('--format <format>', 'puppet (the Puppet language) or json', 'puppet')
    .action(async (type: string, name: string | undefined, opts: { format: string }) => {
      const { runResource } = await import('./apply-action.ts');
      await runResource(type, name, opts, out);
    });
}

export function filebucketCommand(out: Output): Command {
  return new Command('filebucket')
    .description('contents kept before files were replaced: list, get CHECKSUM, restore PATH CHECKSUM')
    .argument('<action>', 'list, get or restore')
    .argument('[args...]', 'get: CHECKSUM; restore: PATH CHECKSUM')
    .option('--vardir <dir>', 'the state folder holding the bucket')
    .action(async (action: string, args: string[], opts: { vardir?: string }) => {
      const { runFilebucket } = await import('./apply-action.ts');
      await runFilebucket(action, args, opts, out);
    });
}
