// The providers' messages (see @kasper/diagnostics): what a resource's validation or its
// provider's work fails with, as the agent logs it against the resource. Wording is Puppet 7's
// where Puppet has a message for the same case (a parameter's value checks are wrapped in
// "Parameter NAME failed on REF: …" as Puppet's are); the firewall types follow puppetlabs-firewall.
import { KasperError, defineCatalogue, raiser } from '@kasper/diagnostics';

export const PROVIDERS_MESSAGES = defineCatalogue({
  package: 'providers',
  title: 'Resource types and providers (`KSP-PROVIDERS-…`)',
  intro: 'From `kasper apply` and agent runs, logged against the resource that failed (`Error: /Stage[main]/…/File[/x]: …`); the run goes on with the resources that do not depend on it.',
  messages: {
    'KSP-PROVIDERS-001': { message: 'Parameter {parameter} failed on {ref}: Invalid value "{value}". Valid values are {values}.', hint: 'use one of the values listed' },
    'KSP-PROVIDERS-002': { message: "Parameter path failed on {ref}: File paths must be fully qualified, not '{path}'", hint: 'a file\'s title or path starts with /' },
    'KSP-PROVIDERS-003': { message: 'You cannot specify more than one of content, source, target', hint: 'a file gets its content from one place: keep one of content, source and target' },
    'KSP-PROVIDERS-004': { message: 'Parameter mode failed on {ref}: The file mode specification is invalid: "{mode}"', hint: "give an octal mode ('0644') or a symbolic one ('u=rw,go=r')" },
    'KSP-PROVIDERS-005': { message: 'Could not retrieve information from environment: none of the sources exist: {sources}', hint: 'check the source URLs: puppet:///modules/MODULE/FILE serves MODULE/files/FILE' },
    'KSP-PROVIDERS-006': { message: "Parameter command failed on {ref}: '{command}' is not qualified and no path was specified. Please qualify the command or specify a path.", hint: 'give the command\'s full path, or a path parameter to search' },
    'KSP-PROVIDERS-007': { message: 'Parameter timeout failed on {ref}: The timeout must be a number.', hint: 'the timeout is in seconds; 0 means none' },
    'KSP-PROVIDERS-008': { message: 'Parameter creates failed on {ref}: creates must be a fully qualified path', hint: 'each creates path starts with /' },
    'KSP-PROVIDERS-009': { message: "Invalid {kind} name '{name}'", hint: 'user and group names are letters, digits, _ . - (not starting with a digit or -)' },
    'KSP-PROVIDERS-010': { message: `Invalid value "{name}": a rule name begins with a number to order it, e.g. '100 allow ssh'`, hint: 'firewall rules are applied in the order of the numbers their names start with' },
    'KSP-PROVIDERS-011': { message: "The rule name is longer than 100 characters: '{name}'", hint: 'the name is kept as the rule\'s comment, which is limited; shorten it' },
    'KSP-PROVIDERS-012': { message: "Invalid port '{port}' for {parameter}", hint: 'a port is a number up to 65535, or a range 1000-2000' },
    'KSP-PROVIDERS-013': { message: '{parameter} needs proto => tcp, udp or sctp', hint: 'ports exist only for these protocols: add proto' },
    'KSP-PROVIDERS-014': { message: "Invalid {parameter} '{value}' for {family}", hint: 'an address or CIDR of the rule\'s protocol family (IPv4 unless protocol => IPv6)' },
    'KSP-PROVIDERS-015': { message: "Invalid firewallchain name '{name}': use CHAIN:TABLE:PROTOCOL, e.g. INPUT:filter:IPv4", hint: 'tables are filter, nat, mangle, raw, security; protocols IPv4, IPv6, ethernet' },
    'KSP-PROVIDERS-016': { message: "Not removing directory; use 'force' to override", hint: 'replacing or removing a directory takes force => true' },
    'KSP-PROVIDERS-017': { message: 'Could not find user {user}', hint: 'create the user first (a user resource is required automatically when in the catalog)' },
    'KSP-PROVIDERS-018': { message: 'Could not find group {group}', hint: 'create the group first (a group resource is required automatically when in the catalog)' },
    'KSP-PROVIDERS-019': { message: "Could not find command '{command}'", hint: 'the command is in none of the folders of the path parameter' },
    'KSP-PROVIDERS-020': { message: 'Unbalanced quotes in command: {command}', hint: 'close the quote, or use provider => shell for shell syntax' },
    'KSP-PROVIDERS-021': { message: 'Command exceeded timeout ({timeout} s)', hint: 'raise the timeout parameter, or find out why the command hangs' },
    'KSP-PROVIDERS-022': { message: "'{command}' returned {status} instead of one of [{expected}]", hint: 'the command failed: its output is logged above (logoutput); returns lists the exit codes that mean success' },
    'KSP-PROVIDERS-023': { message: 'The nftables provider manages the INPUT, OUTPUT and FORWARD chains, not {chain}', hint: 'use the iptables provider for other chains' },
    'KSP-PROVIDERS-024': { message: 'The nftables provider manages the filter table, not {table}', hint: 'use the iptables provider for other tables' },
    'KSP-PROVIDERS-025': { message: 'Chain {chain} does not exist in table {table}', hint: 'declare the chain (firewallchain) or fix the rule\'s chain and table' },
    'KSP-PROVIDERS-026': { message: "Could not {action} {ref}: Execution of '{command}' returned {status}", hint: 'run the service\'s own start/stop/restart command by hand to see why it fails' },
    'KSP-PROVIDERS-027': { message: 'You cannot install dpkg packages without a source', hint: 'give source => the path of the .deb, or use the apt provider' },
    'KSP-PROVIDERS-028': { message: 'The dpkg provider cannot find the latest version; use the apt provider', hint: 'dpkg installs a given .deb: ensure a version, or use apt for latest' },
    'KSP-PROVIDERS-029': { message: "Execution of '{command}' returned {status}: {output}", hint: 'the command\'s output says why; run it by hand to see more' },
    'KSP-PROVIDERS-030': { message: 'Provider {provider} is for unknown type {type}', hint: 'a module\'s provider names a type that is neither Kasper\'s nor in a module\'s lib/kasper/types' },
    'KSP-PROVIDERS-031': { message: "Kasper has no resource type '{type}'", hint: 'see docs/agent.md for the types; a module can add one in lib/kasper/types' },
    'KSP-PROVIDERS-032': { message: "Invalid {type} provider '{provider}' (known: {known})", hint: 'name one of the known providers, or leave provider out to get the host\'s default' },
    'KSP-PROVIDERS-033': { message: 'Provider {provider} is not functional on this host', hint: 'the commands it needs are missing: install them, or leave provider out' },
    'KSP-PROVIDERS-034': { message: 'Could not find a suitable provider for {type} (tried {tried})', hint: 'none of the type\'s providers finds its commands on this host' },
    'KSP-PROVIDERS-035': { message: 'Parameter name failed on {ref}: Invalid host name "{name}"', hint: 'each dot-separated part of a host name is letters, digits, _ and - (not starting or ending with -)' },
    'KSP-PROVIDERS-036': { message: 'Parameter ip failed on {ref}: Invalid IP address "{value}"', hint: 'give an IPv4 or IPv6 address' },
    'KSP-PROVIDERS-037': { message: 'Parameter host_aliases failed on {ref}: Host aliases cannot include whitespace or be empty: "{value}"', hint: 'give each alias as one element of an array; an empty array removes them all' },
    'KSP-PROVIDERS-038': { message: 'Parameter {parameter} failed on {ref}: the value cannot include a newline', hint: 'the value is written on one line of the file' },
    'KSP-PROVIDERS-039': { message: 'Parameter {field} failed on {ref}: {value} is not a valid {field}', hint: 'minute 0-59, hour 0-23, monthday 1-31, month 1-12 or a name, weekday 0-7 or a name; also */N, N-M, N-M/S, absent or *' },
    'KSP-PROVIDERS-040': { message: '{ref} cannot specify both a special schedule and a value for {field}', hint: 'special (daily, reboot …) replaces the time fields: leave them out' },
    'KSP-PROVIDERS-041': { message: 'Parameter environment failed on {ref}: Invalid environment setting "{value}"', hint: "each environment line is NAME=value, as it appears in the crontab ('MAILTO=ops@example.com')" },
    'KSP-PROVIDERS-042': { message: '{ref}: no command specified, cannot create', hint: 'a cron job that is present needs a command' },
    'KSP-PROVIDERS-043': { message: 'Could not read crontab for {user}: {reason}', hint: 'the user must exist and be allowed to use cron (cron.allow, cron.deny)' },
    'KSP-PROVIDERS-044': { message: "{ref}: Attribute 'user' or 'target' is mandatory", hint: 'say whose key it is (user), or the file it goes in (target)' },
    'KSP-PROVIDERS-045': { message: 'Parameter key failed on {ref}: Key must not contain whitespace: {value}', hint: "give only the key itself: its type goes in type, its comment is the resource's name" },
    'KSP-PROVIDERS-046': { message: "Parameter options failed on {ref}: Option {value} is not valid. A single option must either be of the form 'option' or 'option=\"value\"'. Multiple options must be provided as an array", hint: 'one array element per option' },
    'KSP-PROVIDERS-047': { message: '{ref}: the key type is missing: give type, or a title NAME@TYPE', hint: 'a known host is identified by its name and its key type' },
    'KSP-PROVIDERS-048': { message: "Parameter name failed on {ref}: Resourcename cannot include whitespaces or commas: '{name}'", hint: 'give other names of the host as host_aliases' },
    'KSP-PROVIDERS-049': { message: 'Parameter {parameter} failed on {ref}: {parameter} must not contain whitespace or be empty: "{value}"', hint: 'options are comma-separated without spaces, as in the fstab' },
    // 101 onwards: the module types (stdlib, inifile, concat, apt, vcsrepo, archive).
    'KSP-PROVIDERS-101': { message: "Parameter {parameter} failed on {ref}: invalid regular expression '{value}': {reason}", hint: 'match and after are Ruby regular expressions; Kasper takes the syntax both Ruby and JavaScript share, plus \\A, \\z, \\Z, \\h and a leading (?i)' },
    'KSP-PROVIDERS-102': { message: '{parameter} is a required attribute ({ref})', hint: 'give the attribute: a file_line needs path, and line unless it removes by match with match_for_absence' },
    'KSP-PROVIDERS-103': { message: '{other} must be true when replace_all_matches_not_matching_line is true ({ref})', hint: 'replace_all_matches_not_matching_line replaces every matching line: it needs multiple => true and replace => true' },
    'KSP-PROVIDERS-104': { message: 'No such file or directory - {path}', hint: 'file_line edits an existing file: create it first (a file resource for the path is required automatically)' },
    'KSP-PROVIDERS-105': { message: "More than one line in file '{path}' matches pattern '{pattern}'", hint: 'make match more precise, or set multiple => true to change every matching line' },
    'KSP-PROVIDERS-106': { message: "{count} lines match pattern '{pattern}' in file '{path}'. One or no line must match the pattern.", hint: 'make after more precise, or set multiple => true to add the line after each' },
    'KSP-PROVIDERS-107': { message: `Parameter quote_char failed on {ref}: :quote_char valid values are '', '"' and "'"`, hint: 'quote_char is the quote around the whole value: none, a double or a single quote' },
    'KSP-PROVIDERS-108': { message: 'Could not retrieve source(s) {sources}', hint: 'a fragment\'s source is a puppet:/// URL or a local path: none of them exists' },
    'KSP-PROVIDERS-109': { message: "Parameter format failed on {ref}: Kasper's concat_file makes plain files, not {format}", hint: 'the yaml and json formats (merging fragments as data) are not implemented: build the data in Puppet and use one fragment, or format => plain' },
    'KSP-PROVIDERS-110': { message: '{problem} ({ref})', hint: 'a concat_fragment names its file (target or tag) and has either content or source' },
    'KSP-PROVIDERS-111': { message: "Kasper has no provider for '{type}': module {module} ships this type in Ruby only ({file}), and Kasper's agent does not run Ruby types or providers. Add a Kasper type and provider to the module: lib/kasper/types/{type}.mjs exporting `type` and lib/kasper/providers/{type}.mjs exporting `provider` (see docs/agent.md, \"Types and providers in modules\")", hint: 'a module\'s Ruby type compiles (the compiler reads it), but applying it takes a provider in JavaScript or TypeScript: write one in the module\'s lib/kasper, or ask for the type to become one of Kasper\'s own' },
  },
});

/** What types and providers throw: a KasperError from their catalogue. */
export class ProviderError extends KasperError {}

export const raise = raiser(PROVIDERS_MESSAGES, ProviderError);
