// Every setting Kasper's commands take, in one table: its kasper.conf key (the table's key), its
// flag, its type, its default, and the commands that use it. The CLI builds its options from it
// and `kasper config print` shows what it resolves to.
import { join } from 'node:path';

/** The commands that take settings. */
export type CommandName = 'master' | 'agent' | 'apply' | 'ca' | 'node' | 'report' | 'filebucket' | 'resource' | 'diff' | 'code' | 'run';

/** A kasper.conf section; keys before any section header are in `main`. */
export type Section = 'main' | 'master' | 'agent' | 'user';

/** Which section of kasper.conf a command reads (after `main`), as Puppet's commands do. */
export const SECTION_OF: Record<CommandName, Section> = {
  master: 'master', ca: 'master', node: 'master', report: 'master', diff: 'master', code: 'master', run: 'master',
  agent: 'agent',
  apply: 'user', filebucket: 'user', resource: 'user',
};

/** How a value is written in kasper.conf or on the command line. */
export type Kind = 'string' | 'path' | 'integer' | 'boolean' | 'list' | 'pathlist';

/** What a default may look at. */
export interface DefaultContext {
  section: Section;
  /** Running as root: system folders rather than ones under the home folder. */
  root: boolean;
  home: string;
  /** This host's name, as the kernel has it. */
  hostname(): string;
  /** This host's fully qualified name (may ask the resolver, so only called when needed). */
  fqdn(): Promise<string>;
  /** Another setting's value, resolved the same way. */
  get<K extends keyof SettingValues>(name: K): Promise<SettingValues[K]>;
}

export interface SettingDef<T> {
  kind: Kind;
  description: string;
  /** The commands that use it; they get its flag, and `config print --section` shows it for their section. */
  commands: readonly CommandName[];
  /** The option as commander writes it (`--waitforcert <seconds>`); none: kasper.conf only. */
  flag?: string;
  /** False for a flag kasper.conf cannot set (confdir: it says where kasper.conf is). */
  conf?: false;
  /** The values a string setting may take; any other is refused where it is read. */
  values?: readonly string[];
  default(ctx: DefaultContext): T | Promise<T>;
  /** The default as help and documentation tell it. */
  defaultText: string;
}

/** Every setting's value, once resolved. Optional ones are `undefined` when nothing set them. */
export interface SettingValues {
  confdir: string;
  vardir: string;
  certname: string;
  environment: string;
  storage: string;
  bind: string;
  port: number;
  dns_alt_names: string[];
  environmentpath: string;
  codedir: string;
  basemodulepath: string[];
  autosign: string[] | undefined;
  autosign_policy: string | undefined;
  autosign_policy_timeout: number | undefined;
  external_nodes: string | undefined;
  compile_workers: number | undefined;
  compile_heap_mb: number | undefined;
  catalog_cache_mb: number | undefined;
  query_allow: string[] | undefined;
  report_ttl: string | undefined;
  node_ttl: string | undefined;
  node_purge_ttl: string | undefined;
  gc_interval: string | undefined;
  ca_server: string | undefined;
  ca_refresh: number | undefined;
  run_heartbeat: number;
  server: string;
  waitforcert: number;
  runinterval: number;
  splay: number;
  onetime: boolean;
  noop: boolean;
  preprocess_deferred: boolean;
  digest_algorithm: string;
  detailed_exitcodes: boolean;
  logdest: string;
  pluginsync: boolean;
  run_requests: boolean;
  run_process: boolean;
  plugindest: string;
  modulepath: string[] | undefined;
  hiera_config: string | undefined;
  push_diff: boolean;
  push_gate: string;
  push_diff_workers: number | undefined;
  push_diff_timeout: number;
}

export type SettingName = keyof SettingValues;

const FLEET = ['master', 'agent', 'ca', 'node', 'report', 'diff', 'code'] as const;
const none = () => undefined;

export const SETTINGS = {
  confdir: {
    kind: 'path', flag: '--confdir <dir>', conf: false, commands: [...FLEET, 'apply', 'run'],
    description: 'configuration and certificates; kasper.conf is read from here',
    default: (c) => (c.root ? '/etc/kasper' : join(c.home, '.kasper', 'etc')),
    defaultText: '/etc/kasper as root, ~/.kasper/etc otherwise',
  },
  vardir: {
    kind: 'path', flag: '--vardir <dir>', commands: [...FLEET, 'apply', 'filebucket', 'resource'],
    description: 'state: storage, caches, file bucket, reports, logs',
    default: (c) => (c.root ? '/var/lib/kasper' : join(c.home, '.kasper', 'var')),
    defaultText: '/var/lib/kasper as root, ~/.kasper/var otherwise',
  },
  certname: {
    kind: 'string', flag: '--certname <name>', commands: ['master', 'agent', 'run'],
    description: "this node's name in its certificate (kasper run: the certificate it talks to the master with, the master's own by default)",
    // The master's has always been the host name; an agent's is its fqdn, as Puppet's.
    default: (c) => (c.section === 'master' ? c.hostname() : c.fqdn()),
    defaultText: "the master's: this host's name; an agent's: its fqdn",
  },
  environment: {
    kind: 'string', flag: '--environment <name>', commands: ['agent', 'apply'],
    description: 'the environment to compile in (an agent asks the master for it)',
    default: () => 'production', defaultText: 'production',
  },
  storage: {
    kind: 'string', flag: '--storage <url>', commands: ['master', 'node', 'report', 'diff', 'code'],
    description: "the master's storage: a SQLite file (sqlite:/path) or postgres://…",
    default: async (c) => join(await c.get('vardir'), 'kasper.db'), defaultText: '<vardir>/kasper.db',
  },
  bind: {
    kind: 'string', flag: '--bind <address>', commands: ['master'],
    description: 'address the master listens on', default: () => '0.0.0.0', defaultText: '0.0.0.0',
  },
  port: {
    kind: 'integer', flag: '--port <port>', commands: ['master', 'agent', 'run'],
    description: "the master's port (the agent's to connect to)", default: () => 8140, defaultText: '8140',
  },
  dns_alt_names: {
    kind: 'list', flag: '--dns-alt-names <names>', commands: ['master'],
    description: "other names agents reach the master by, comma-separated (in the master's certificate)",
    default: async (c) => [await c.get('certname'), 'localhost'], defaultText: '<certname>,localhost',
  },
  environmentpath: {
    kind: 'path', flag: '--environmentpath <dir>', commands: ['master', 'code'],
    description: 'folder of environments: <dir>/<env>/{manifests,modules,hiera.yaml,data}',
    default: async (c) => join(await c.get('confdir'), 'environments'), defaultText: '<confdir>/environments',
  },
  codedir: {
    kind: 'path', flag: '--codedir <dir>', commands: ['code', 'report'],
    description: "the code repository pushed to (repo.git), its hooks' module cache and scratch files",
    default: async (c) => join(await c.get('vardir'), 'code'), defaultText: '<vardir>/code',
  },
  basemodulepath: {
    kind: 'pathlist', flag: '--basemodulepath <paths>', commands: ['master', 'code'],
    description: 'module folders shared by every environment, ":"-separated', default: () => [], defaultText: 'none',
  },
  autosign: {
    kind: 'list', flag: '--autosign <globs>', commands: ['master'],
    description: 'sign requests whose names match, comma-separated, as lines of Puppet\'s autosign.conf: an exact '
      + 'certname; "*.example.com" (example.com and every name under it; the "*" only as the whole leftmost label); '
      + 'or "*" (everyone). A "*" anywhere else never matches',
    default: none, defaultText: 'off',
  },
  autosign_policy: {
    kind: 'path', flag: '--autosign-policy <exe>', commands: ['master'],
    description: 'sign when this executable (name as argument, CSR on stdin) exits 0; run in its own process group, '
      + 'at most 4 at once, killed with its children after autosign_policy_timeout (the request then stays pending)',
    default: none, defaultText: 'none',
  },
  autosign_policy_timeout: {
    kind: 'integer', commands: ['master'],
    description: 'seconds an autosign policy may run', default: none, defaultText: '30',
  },
  external_nodes: {
    kind: 'path', commands: ['master', 'code'],
    description: "an external node classifier: an executable printing a node's environment, classes and parameters as YAML",
    default: none, defaultText: 'none',
  },
  compile_workers: {
    kind: 'integer', flag: '--workers <n>', commands: ['master'],
    description: 'compile worker threads', default: none, defaultText: 'one per core',
  },
  compile_heap_mb: {
    kind: 'integer', commands: ['master'],
    description: "each compile worker's heap, MiB", default: none, defaultText: '512',
  },
  catalog_cache_mb: {
    kind: 'integer', commands: ['master'],
    description: 'compiled catalogs kept in memory, MiB', default: none, defaultText: '128',
  },
  query_allow: {
    kind: 'list', commands: ['master'],
    description: "certnames that may read the PuppetDB query API besides the master's own, comma-separated",
    default: none, defaultText: 'none',
  },
  report_ttl: {
    kind: 'string', commands: ['master'],
    description: 'how long reports are kept: 14d, 12h, 30m, 45s (0: forever)', default: none, defaultText: '14d',
  },
  node_ttl: {
    kind: 'string', commands: ['master'],
    description: 'nodes with no facts, catalog or report for this long expire (0: never)', default: none, defaultText: '7d',
  },
  node_purge_ttl: {
    kind: 'string', commands: ['master', 'code'],
    description: 'deactivated or expired nodes are deleted with their data after this long (0: never)', default: none, defaultText: '14d',
  },
  gc_interval: {
    kind: 'string', commands: ['master'],
    description: 'how often garbage collection runs: 60m, or minutes (0: never)', default: none, defaultText: '60',
  },
  ca_server: {
    kind: 'string', flag: '--ca-server <url>', commands: ['master'],
    description: 'the CA master (https://host:port) when this master is not the CA: several masters on one store',
    default: none, defaultText: '(this master is the CA)',
  },
  ca_refresh: {
    kind: 'integer', flag: '--ca-refresh <seconds>', commands: ['master'],
    description: 'with ca_server: seconds between fetches of the CA master\'s CRL', default: none, defaultText: '60',
  },
  server: {
    kind: 'string', flag: '--server <host>', commands: ['agent', 'run'],
    description: 'the master',
    // kasper run is run on the master, whose certificate names localhost.
    default: (c) => (c.section === 'master' ? 'localhost' : 'kasper'), defaultText: "kasper (kasper run: localhost)",
  },
  waitforcert: {
    kind: 'integer', flag: '--waitforcert <seconds>', commands: ['agent'],
    description: 'while the certificate is not signed, check again this often (0: exit)',
    default: async (c) => ((await c.get('onetime')) ? 0 : 120), defaultText: '120, or 0 with --onetime',
  },
  run_heartbeat: {
    kind: 'integer', commands: ['master'],
    description: "seconds between the heartbeats on agents' connections for run requests (an agent that hears nothing for three of them connects again)",
    default: () => 15, defaultText: '15',
  },
  runinterval: {
    kind: 'integer', flag: '--runinterval <seconds>', commands: ['agent'],
    description: 'seconds between runs', default: () => 1800, defaultText: '1800',
  },
  splay: {
    kind: 'integer', flag: '--splay <seconds>', commands: ['agent'],
    description: 'up to this many random seconds added to each interval', default: () => 0, defaultText: '0',
  },
  onetime: {
    kind: 'boolean', flag: '--onetime', commands: ['agent'],
    description: 'one run, then exit', default: () => false, defaultText: 'false',
  },
  noop: {
    kind: 'boolean', flag: '--noop', commands: ['agent', 'apply'],
    description: 'report what would change, with diffs, and change nothing', default: () => false, defaultText: 'false',
  },
  detailed_exitcodes: {
    kind: 'boolean', flag: '--detailed-exitcodes', commands: ['agent', 'apply'],
    description: 'exit 0 no changes, 2 changes, 4 failures, 6 both (as Puppet; the agent with --onetime)',
    default: () => false, defaultText: 'false',
  },
  logdest: {
    kind: 'path', flag: '--logdest <file>', commands: ['agent', 'apply'],
    description: "the run's log, JSON lines", default: async (c) => join(await c.get('vardir'), 'log', 'kasper.log'),
    defaultText: '<vardir>/log/kasper.log',
  },
  preprocess_deferred: {
    kind: 'boolean', commands: ['agent', 'apply'],
    description: "resolve the catalog's Deferred values before anything is applied (Puppet's default); false: each resource's when it is evaluated, after what it requires",
    default: () => true, defaultText: 'true',
  },
  digest_algorithm: {
    kind: 'string', commands: ['agent', 'apply', 'filebucket'], values: ['md5', 'sha256', 'sha384', 'sha512', 'sha224'],
    description: "the digest file content is shown and reported with (`{sha256}…`) where a file names no checksum, and the local file bucket keys content by (Puppet 7's default: sha256)",
    default: () => 'sha256', defaultText: 'sha256',
  },
  run_requests: {
    kind: 'boolean', commands: ['agent'],
    description: "keep a connection to the master (server-sent events over its mutual TLS) so it can ask for a run now (kasper run); runinterval goes on either way",
    default: () => true, defaultText: 'true',
  },
  run_process: {
    kind: 'boolean', commands: ['agent'],
    description: "the daemon becomes each run (a new process image, same PID) and its small self again when the run is done, keeping only its timer and the connection to the master between runs (about 56 instead of 85 MiB after a 1,000-file run); false: runs in the daemon's process, each starting about 0.2 s sooner",
    default: () => true, defaultText: 'true',
  },
  pluginsync: {
    kind: 'boolean', commands: ['agent'],
    description: "before each run, fetch the resource types and providers modules ship (their lib/kasper/) from the master's plugins mount",
    default: () => true, defaultText: 'true',
  },
  plugindest: {
    kind: 'path', commands: ['agent'],
    description: 'where pluginsync keeps them (kasper/types, kasper/providers), and agent runs load them from',
    default: async (c) => join(await c.get('vardir'), 'lib'), defaultText: '<vardir>/lib',
  },
  modulepath: {
    kind: 'pathlist', flag: '--modulepath <paths>', commands: ['apply'],
    description: 'module folders, ":"-separated', default: none, defaultText: 'modules/ beside the manifest\'s folder',
  },
  hiera_config: {
    kind: 'path', flag: '--hiera-config <file>', commands: ['apply'],
    description: 'the hiera.yaml to use', default: none, defaultText: "a hiera.yaml at the site's root, beside modules/",
  },
  push_diff: {
    kind: 'boolean', commands: ['code'],
    description: "on every push, before it is accepted (the pre-receive hook): build the pushed tree, compile the nodes the master has facts for "
      + 'under the deployed and the pushed code, print the diff summary to the pusher and store the full report (kasper report diffs)',
    default: () => true, defaultText: 'true',
  },
  push_gate: {
    kind: 'string', commands: ['code'], values: ['off', 'broken', 'failed'],
    description: 'when the push diff refuses a push (the environment stays as it was): broken — the pushed code fails to compile a node '
      + 'the deployed code compiles, or cannot be deployed at all (a bad Puppetfile or link); failed — the pushed code fails to compile '
      + 'any node (or cannot be deployed); off — never (failures are listed, the push is deployed)',
    default: () => 'broken', defaultText: 'broken',
  },
  push_diff_workers: {
    kind: 'integer', commands: ['code'],
    description: 'compile worker threads of the push diff (the master keeps serving catalogs meanwhile)',
    default: none, defaultText: 'half the cores, at least 1',
  },
  push_diff_timeout: {
    kind: 'integer', commands: ['code'],
    description: "seconds a push diff may compile a branch's nodes; then it stops, and the gate (unless off) refuses the push (0: no limit)",
    default: () => 600, defaultText: '600',
  },
} as const satisfies { [K in SettingName]: SettingDef<SettingValues[K]> };

/** The settings a command uses. */
export type SettingsOf<C extends CommandName> = {
  [K in SettingName]: C extends (typeof SETTINGS)[K]['commands'][number] ? K : never;
}[SettingName];

/** The values a command gets: exactly the settings it uses. */
export type SettingsFor<C extends CommandName> = Pick<SettingValues, SettingsOf<C>>;

export const SETTING_NAMES = Object.keys(SETTINGS).sort() as SettingName[];

export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(SETTINGS, name);
}

/** A setting's definition, for code that walks the table. */
export function settingDef(name: SettingName): SettingDef<unknown> {
  return SETTINGS[name] as SettingDef<unknown>;
}
