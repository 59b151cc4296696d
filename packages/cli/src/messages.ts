// The CLI's own messages (see @kasper/diagnostics): the command line it cannot use, files it
// cannot find, and answers a command has nothing to give. Everything else it prints comes with
// the code of the package that raised it; every error goes through one printer (`printError`).
import { KasperError, defineCatalogue, raiser } from '@kasper/diagnostics';

export const CLI_MESSAGES = defineCatalogue({
  package: 'cli',
  title: 'The `kasper` command (`KSP-CLI-…`)',
  intro: 'What `kasper` itself says about its arguments and the files and stored data they name, printed as `kasper COMMAND: error: MESSAGE [CODE]` with exit status 1. Errors of the packages it runs keep their own codes.',
  messages: {
    'KSP-CLI-001': { message: '{message}', hint: 'raised where no catalogue covers it yet, or a bug: the message says what failed; report it if that is not clear' },
    'KSP-CLI-002': { message: '{reason}', hint: "the command line does not parse (commander's message): run the command with --help for its arguments and options" },
    'KSP-CLI-003': { message: 'no such file or folder: {path}', hint: 'check the path; folders are searched for .pp and .epp files' },
    'KSP-CLI-004': { message: 'cannot read {file}: {reason}', hint: 'check the file\'s permissions' },
    'KSP-CLI-005': { message: 'no .pp or .epp files found in {paths}', hint: 'name manifests, templates or folders that hold them' },
    'KSP-CLI-006': { message: 'cannot read facts from {file}: {reason}', hint: 'a facts file is JSON or YAML: a map of facts, or Puppet\'s {name, values}' },
    'KSP-CLI-007': { message: "no value found for '{key}'", hint: 'run with --explain to see where Hiera looked' },
    'KSP-CLI-008': { message: 'give a manifest file or folder, or code with -e', hint: "kasper apply site.pp, or kasper apply -e 'notify { hi: }'" },
    'KSP-CLI-009': { message: 'Could not find file {manifest}', hint: 'the manifest file or folder to apply does not exist' },
    'KSP-CLI-010': { message: "unknown type '{type}' (known: {known})", hint: 'kasper resource shows the types Kasper manages' },
    'KSP-CLI-011': { message: 'listing every {type} is not supported; name one', hint: 'kasper resource TYPE NAME shows one' },
    'KSP-CLI-012': { message: 'no content with checksum {checksum}', hint: "'kasper filebucket list' shows the checksums kept" },
    'KSP-CLI-013': { message: "unknown action '{action}' (list, get CHECKSUM, restore PATH CHECKSUM)", hint: 'see kasper filebucket --help' },
    'KSP-CLI-014': { message: 'nothing stored for {name}', hint: "'kasper node list' shows the nodes the master stored" },
    'KSP-CLI-015': { message: 'use list, show NAME or deactivate NAME…', hint: 'see kasper node --help' },
    'KSP-CLI-016': { message: 'no report {id}', hint: "'kasper report list' shows the reports' ids" },
    'KSP-CLI-017': { message: 'use list [--node NAME], show ID, diffs [--environment E] or diff ID|latest', hint: 'see kasper report --help' },
    'KSP-CLI-018': { message: '--stored compares the stored catalogs of one node: give --node NAME', hint: 'one --node with --stored' },
    'KSP-CLI-019': { message: 'give --from REF and --to REF (a git revision or a folder each), or --stored', hint: 'see docs/diff.md' },
    'KSP-CLI-020': { message: 'give --node NAME… or --all-nodes', hint: 'name the nodes to compare, or compare every node with facts' },
    'KSP-CLI-021': { message: 'no fact files in {dir}', hint: '--facts names a folder of <node>.json or <node>.yaml files' },
    'KSP-CLI-022': { message: 'the master has no stored facts for any node', hint: 'agents store facts on each run; or give --facts DIR' },
    'KSP-CLI-023': { message: 'the master has no stored facts for {nodes} (give --facts DIR with <node>.json or <node>.yaml)', hint: 'these nodes have not run against this master yet' },
    'KSP-CLI-024': { message: 'the master stored {what} for {node}: --stored needs two', hint: 'the node must have run twice against this master; or compare code versions with --from and --to' },
    'KSP-CLI-026': { message: "unknown --render-as format '{format}' (json or rich_data_json)", hint: 'json prints the catalog as puppet catalog compile does; rich_data_json keeps Deferred values, as a master sends them' },
    'KSP-CLI-027': { message: '--stored-exports applies to compiles: --stored compiles nothing', hint: 'the stored catalogs already hold what their compiles collected; use --stored-exports with --from and --to' },
    'KSP-CLI-028': { message: 'give one source: {sources}', hint: 'kasper secret encrypt -p (a password typed), -s TEXT, -f FILE, --stdin or -e EYAML_FILE; decrypt takes -s, -f, --stdin or -e' },
    'KSP-CLI-029': { message: 'kasper run needs --nodes: which nodes to run (or --connected to list the connected agents)', hint: "--nodes '*' runs every node; docs/deploy.md, 'Rolling runs', has the selection syntax" },
    'KSP-CLI-025': { message: '{count} of {total} requests not signed ({names})', hint: 'the reason for each is printed above it; sign those by name with the flag it asks for' },
  },
});

/** What the CLI raises for itself. */
export class CliError extends KasperError {}

export const raise = raiser(CLI_MESSAGES, CliError);
