// The contract between the transaction engine and what manages things on a host. As in
// Puppet, a *type* says what can be managed (its attributes, validation, namevar, what it
// requires implicitly) and a *provider* says how, on a given kind of host (retrieve the
// current state, change it). A type has one or more providers; the most suitable is chosen.
import type { Executor } from './executor.ts';
import type { FileBucket } from './filebucket.ts';

/** A resource as the agent manages it: the catalog's resource with plain parameter values. */
export interface Resource {
  /** Lower-case type name: `file`, `package`. */
  type: string;
  title: string;
  /** `File[/etc/motd]`. */
  ref: string;
  /** The namevar's value: the title unless the parameter is given (`path`, `name`, `command`). */
  name: string;
  params: Record<string, unknown>;
  file?: string;
  line?: number;
  tags: string[];
  /** Every desired property value, prepared (a file's source read): set before sync. */
  desired?: Record<string, unknown>;
  /** Parameters whose values are Sensitive: a provider never logs them (notify says `Sensitive [value redacted]`). */
  sensitive?: string[];
}

/** What a provider needs from the host to decide whether it fits. */
export interface Host {
  /** `Debian`, `RedHat` … (facts os.family). */
  osFamily: string;
  /** Whether a command is on PATH. */
  hasCommand(name: string): boolean;
  /** What runs as PID 1: `systemd`, `init`, … */
  initSystem: string;
  /** Forgets what it found on PATH: a resource may have installed a command since. */
  forget?(): void;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

/** Everything a provider may use while it works. */
export interface ProviderContext {
  noop: boolean;
  exec: Executor;
  bucket: FileBucket;
  log: Logger;
  host: Host;
  /** Reads a `puppet:///modules/m/f` source (from the module path or the master). */
  readSource?(source: string): Promise<Buffer | undefined>;
  /** Per-run scratch space a provider may fill in prefetch and read in retrieve. */
  cache: Map<string, unknown>;
  /** Every instance of a type on this host, from its provider (resources' purge); undefined when it cannot list them. */
  instancesOf?(type: string): Promise<{ name: string; params?: Record<string, unknown> }[] | undefined>;
  /** Logs a notice against a resource (its path as the source), as Puppet's types do (`Tidying 3 files`). */
  notice?(r: Resource, message: string): void;
}

/** One property that is not in sync, and what will be (or was) done about it. */
export interface Change {
  property: string;
  is: unknown;
  should: unknown;
  /** A human message: `content changed '{sha256}a' to '{sha256}b'`, `ensure changed 'absent' to 'present'`. */
  message: string;
  /** A unified diff for content changes, shown in noop and logs. */
  diff?: string;
  /** The values as messages show them (content as a checksum). */
  isText?: string;
  shouldText?: string;
  /** The values exactly as messages print them, quotes included, when the property says so (`show`). */
  isShown?: string;
  shouldShown?: string;
}

export interface PropertyDef {
  name: string;
  /** Whether the current value satisfies the desired one; default: equal after String(). */
  insync?(is: unknown, should: unknown, r: Resource): boolean;
  /** How a value appears in messages (e.g. a checksum instead of file content). */
  format?(v: unknown, r: Resource, digest?: string): string;
  /**
   * The value as change and noop messages print it, quotes included, where Puppet prints it
   * otherwise than `'value'` (a list's current value unquoted: `host_aliases changed a b to 'c'`).
   */
  show?(v: unknown, side: 'is' | 'should', r: Resource): string;
  /**
   * An `ensure` whose changes read as any property's (`defined 'ensure' as 'mounted'`,
   * `undefined 'ensure' from 'mounted'`, `ensure changed 'a' to 'b'`), not `created`/`removed`.
   */
  plain?: boolean;
  /** The change's message when the type words it itself (archive's "download archive from … to …"); undefined: the usual one. */
  message?(is: unknown, should: unknown, r: Resource): string | undefined;
  /** Content-like properties get a diff in messages. */
  diff?(is: unknown, should: unknown, r: Resource): string | undefined;
}

/** A resource a type generates before the run (concat_file's file). */
export interface GeneratedResource {
  /** Capitalised as in the catalog: `File`. */
  type: string;
  title: string;
  params: Record<string, unknown>;
}

export interface TypeDefinition {
  name: string;
  namevar: string;
  /** Managed properties, `ensure` first; their order is the order changes are reported. */
  properties: PropertyDef[];
  /** Other accepted parameters (not properties, not metaparameters). */
  parameters: string[];
  /** Fills defaults and normalises values; throws a ProviderError (`raise` from messages.ts) on bad input. */
  validate?(r: Resource): void;
  /** References this resource requires implicitly when they are in the catalog. */
  autorequire?(r: Resource): string[];
  /** Whether the desired state only applies once refreshed (exec refreshonly). */
  refreshable?: boolean;
  /** A resource that changed refreshes itself too (a mount remounts), unless it was removed: Puppet's self_refresh. */
  selfRefresh?: boolean;
  /**
   * Properties to manage: those given, and for some types implied ones (a file with content
   * is ensured `file`). Default: every property with a parameter value.
   */
  desired?(r: Resource): Record<string, unknown>;
  /**
   * Resources this one stands for, made before the run as Puppet's generate does (concat_file
   * makes its file from the fragments). `all` is every resource of the catalog. They are
   * contained in this one: they come after it, before what comes after it, and notify what it
   * notifies. One that the catalog declares itself is not generated.
   */
  generate?(r: Resource, all: Resource[], ctx: ProviderContext): Promise<GeneratedResource[]>;
  /** Completes desired values that need I/O (a file's `source` read into content). */
  prepare?(r: Resource, desired: Record<string, unknown>, ctx: ProviderContext): Promise<void>;
}

export interface Provider {
  name: string;
  type: string;
  /**
   * Its changes are kept in memory and written by the transaction (textfile.ts) before a
   * resource of another provider is evaluated and at the end of the run.
   */
  defersWrites?: boolean;
  /** Whether this provider can work on the host at all. */
  suitable(host: Host): boolean;
  /** Whether it is the one to use on this host when several are suitable. */
  isDefault?(host: Host): boolean;
  /** Reads the state of all resources of its type at once (every package from dpkg's status file, or one `dpkg-query`). */
  prefetch?(resources: Resource[], ctx: ProviderContext): Promise<void>;
  /** The current value of each managed property; `ensure: 'absent'` when the thing does not exist. */
  retrieve(r: Resource, ctx: ProviderContext): Promise<Record<string, unknown>>;
  /** Brings the resource to the desired state for the given changes. Throws on failure. */
  sync(r: Resource, changes: Change[], ctx: ProviderContext): Promise<void>;
  /**
   * What it is waiting for when it is not suitable now but will be once a package is installed
   * (`nft`): the transaction chooses providers when it reaches a resource, so a package
   * installed earlier in the run makes it suitable, and noop says so instead of failing.
   */
  commands?: string[];
  /**
   * What `resources { TYPE: purge => true }` may remove, with the parameters that find each
   * again (a cron job's user); default: `instances` without parameters.
   */
  purgeable?(ctx: ProviderContext): Promise<{ name: string; params?: Record<string, unknown> }[]>;
  /** The names of every instance on the host (`kasper resource user`). */
  instances?(ctx: ProviderContext): Promise<string[]>;
  /** Reacts to a refresh event (restart a service, run a refreshonly exec). */
  refresh?(r: Resource, ctx: ProviderContext): Promise<void>;
  /**
   * Several resources' changes at once where order allows (one apt-get install for many
   * packages). The engine calls it with resources whose dependencies are all done.
   */
  syncBatch?(items: { r: Resource; changes: Change[] }[], ctx: ProviderContext): Promise<void>;
}

/** A type with its providers, as registered. */
export interface RegisteredType {
  definition: TypeDefinition;
  providers: Provider[];
}

/** Values from the catalog: a single value or a list (Puppet writes both). */
export function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export function asString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return String(v);
}

export function asBool(v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  return dflt;
}
