// The words both sides of the catalog use, owned here so that the compiler, the diff, the agent
// and the providers cannot disagree on them: Puppet's metaparameters, the four relationship
// metaparameters, the resource types Puppet 7 ships, the namevar of each and their attributes.
import { BUILTIN_TYPE_ATTRIBUTES } from './type-attributes.ts';

export { BUILTIN_TYPE_ATTRIBUTES };

/** Puppet's metaparameters: every resource takes them, whatever its type. */
export const METAPARAMETERS: ReadonlySet<string> = new Set([
  'alias', 'audit', 'before', 'loglevel', 'noop', 'notify', 'require', 'schedule', 'stage', 'subscribe', 'tag',
]);

/** The relationship metaparameters, whose values are resource references. */
export const RELATIONSHIP_PARAMETERS = ['before', 'notify', 'require', 'subscribe'] as const;

export type RelationshipParameter = (typeof RELATIONSHIP_PARAMETERS)[number];

const RELATIONSHIP_SET: ReadonlySet<string> = new Set(RELATIONSHIP_PARAMETERS);

/** Whether a parameter is one of the four relationship metaparameters. */
export function isRelationshipParameter(name: string): name is RelationshipParameter {
  return RELATIONSHIP_SET.has(name);
}

/**
 * The namevar of each resource type Puppet 7 ships (its lib/puppet/type), plus the packet-filter
 * types Kasper's agent manages itself (Puppet needs puppetlabs-firewall for those): the
 * parameter a resource's title stands for when it is not given.
 */
export const BUILTIN_NAMEVARS: Readonly<Record<string, string>> = {
  augeas: 'name', computer: 'name', cron: 'name', exec: 'command', file: 'path', filebucket: 'name',
  group: 'name', host: 'name', interface: 'name', k5login: 'path', macauthorization: 'name',
  mailalias: 'name', maillist: 'name', mcx: 'name', mount: 'name', nagios_command: 'name',
  notify: 'name', package: 'name', resources: 'name', router: 'url', schedule: 'name',
  scheduled_task: 'name', selboolean: 'name', selmodule: 'name', service: 'name',
  ssh_authorized_key: 'name', sshkey: 'name', stage: 'name', tidy: 'path', user: 'name',
  vlan: 'name', whit: 'name', yumrepo: 'name', zfs: 'name', zone: 'name', zpool: 'pool',
  firewall: 'name', firewallchain: 'name',
};

/** The built-in resource types by their lower-case name: declaring one is not an "unknown resource type". */
export const BUILTIN_RESOURCE_TYPES: ReadonlySet<string> = new Set(Object.keys(BUILTIN_NAMEVARS));

/** The namevar of a built-in type (`file` → `path`); `name` for a type not in the table. */
export function namevarOf(type: string): string {
  const t = type.toLowerCase();
  return Object.hasOwn(BUILTIN_NAMEVARS, t) ? BUILTIN_NAMEVARS[t] : 'name';
}

/**
 * The namevar's value a title stands for, as the type's title patterns read it: a file's title
 * loses its trailing slashes (`/var/www/` → `/var/www`, but `/` stays), every other built-in type
 * takes the title as it is. Undefined when the title fits none of the patterns (an empty file title).
 */
export function namevarFromTitle(type: string, title: string): string | undefined {
  const t = type.toLowerCase();
  if (t === 'file') {
    // Most titles end in neither a slash nor a newline: the pattern below gives them back whole.
    const last = title.charCodeAt(title.length - 1);
    if (title.length > 0 && last !== 47 && last !== 10) return title;
    const m = /^(\/|.+:\/|.*[^/])\/*\n?$/s.exec(title);
    return m ? m[1] : undefined;
  }
  return title;
}

/**
 * The Puppet version Kasper speaks for, where Puppet's protocol carries one: the agent's
 * `clientversion` and `puppetversion` facts, the master's `serverversion` server fact. Modules
 * compare these with versioncmp to choose features (concat asks for `clientversion` >= 6.0 before
 * it accepts Deferred content), so it is the version of Puppet whose behaviour Kasper is measured
 * against (test/conformance/PUPPET_VERSION), not Kasper's own, which modules know nothing of.
 */
export const PUPPET_VERSION = '7.23.0';

/** Built-in types' attributes by type name (as asked and lower-cased); null for a name that is no built-in type. */
const ATTRIBUTE_SETS = new Map<string, ReadonlySet<string> | null>();

/**
 * Whether a built-in type takes an attribute, as Puppet checks a resource's parameter names:
 * one of its parameters or properties (BUILTIN_TYPE_ATTRIBUTES, generated from Puppet 7), a
 * metaparameter, or `name`. Undefined for a type whose attributes are not in the table.
 */
export function builtinTypeTakes(type: string, attribute: string): boolean | undefined {
  // By the type as written (`File`, asked for each parameter of each resource), then lower-cased.
  let set = ATTRIBUTE_SETS.get(type);
  if (set === undefined) {
    const t = type.toLowerCase();
    set = Object.hasOwn(BUILTIN_TYPE_ATTRIBUTES, t) ? (ATTRIBUTE_SETS.get(t) ?? new Set(BUILTIN_TYPE_ATTRIBUTES[t])) : null;
    if (set) ATTRIBUTE_SETS.set(t, set);
    if (ATTRIBUTE_SETS.size < 10_000) ATTRIBUTE_SETS.set(type, set);
  }
  if (set === null) return undefined;
  return set.has(attribute) || METAPARAMETERS.has(attribute) || attribute === 'name';
}

/** What Puppet accepts as a tag (lower-cased first): `web`, `apache::mod`, `role.db-1`; not `bad tag`. */
export const VALID_TAG = /^[\p{L}\p{N}_][\p{L}\p{N}_\-:.]*$/u;
