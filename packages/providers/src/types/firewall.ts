// firewall and firewallchain: packet filter rules with the attributes Puppet users know from
// puppetlabs-firewall. A rule is named like '100 allow ssh': the number orders the rules, the
// name identifies the rule on the host (it is kept as the rule's comment). The providers
// (nftables, iptables) translate a rule into their own syntax.
import { createHash } from 'node:crypto';
import { asList, asString, type ProviderContext, type Resource, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';

export interface FirewallRule {
  name: string;
  chain: string;
  table: string;
  family: 'IPv4' | 'IPv6';
  proto?: string;
  dport?: string[];
  sport?: string[];
  source?: string;
  destination?: string;
  iniface?: string;
  outiface?: string;
  state?: string[];
  action: 'accept' | 'drop' | 'reject';
}

const ACTIONS = ['accept', 'drop', 'reject'];
const PROTOS = ['tcp', 'udp', 'icmp', 'ipv6-icmp', 'icmpv6', 'all', 'sctp', 'gre', 'esp', 'ah'];
const STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];

/** Reads a firewall resource's attributes into a rule, checking each as puppetlabs-firewall does. */
export function ruleOf(r: Resource): FirewallRule {
  const name = r.name;
  if (!/^\d+[^\S\n]/.test(name)) throw raise('KSP-PROVIDERS-010', { name });
  if (name.length > 100) throw raise('KSP-PROVIDERS-011', { name });
  const p = r.params;
  const action = (asString(p.action) ?? (asString(p.jump) ?? 'accept')).toLowerCase();
  if (!ACTIONS.includes(action)) throw raise('KSP-PROVIDERS-001', { parameter: 'action', ref: r.ref, value: action, values: ACTIONS.join(', ') });
  const proto = asString(p.proto)?.toLowerCase();
  if (proto !== undefined && !PROTOS.includes(proto)) throw raise('KSP-PROVIDERS-001', { parameter: 'proto', ref: r.ref, value: proto, values: PROTOS.join(', ') });
  const ports = (v: unknown, what: string) => {
    const list = asList(v).flatMap((x) => String(x).split(',')).map((x) => x.trim().replace(':', '-')).filter(Boolean);
    for (const x of list) if (!/^\d+(-\d+)?$/.test(x) || x.split('-').some((n) => Number(n) > 65535)) throw raise('KSP-PROVIDERS-012', { port: x, parameter: what });
    if (list.length && (!proto || !['tcp', 'udp', 'sctp'].includes(proto))) throw raise('KSP-PROVIDERS-013', { parameter: what });
    return list.length ? list : undefined;
  };
  const fam = asString(p.protocol) ?? (asString(p.provider) === 'ip6tables' ? 'IPv6' : 'IPv4');
  const family = /6/.test(fam) ? 'IPv6' : 'IPv4';
  const cidr = (v: unknown, what: string) => {
    const s = asString(v);
    if (s === undefined) return undefined;
    const ok = family === 'IPv4' ? /^!?\s*\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(s) : /^!?\s*[0-9a-fA-F:]+(\/\d{1,3})?$/.test(s);
    if (!ok) throw raise('KSP-PROVIDERS-014', { parameter: what, value: s, family });
    return s.replace(/\s+/g, '');
  };
  const states = asList(p.ctstate ?? p.state).map((x) => String(x).toUpperCase());
  for (const s of states) if (!STATES.includes(s)) throw raise('KSP-PROVIDERS-001', { parameter: p.ctstate !== undefined ? 'ctstate' : 'state', ref: r.ref, value: s, values: STATES.join(', ') });
  return {
    name,
    chain: (asString(p.chain) ?? 'INPUT').toUpperCase(),
    table: asString(p.table) ?? 'filter',
    family,
    proto: proto === 'all' ? undefined : proto,
    dport: ports(p.dport, 'dport'),
    sport: ports(p.sport, 'sport'),
    source: cidr(p.source, 'source'),
    destination: cidr(p.destination, 'destination'),
    iniface: asString(p.iniface),
    outiface: asString(p.outiface),
    state: states.length ? [...new Set(states)].sort() : undefined,
    action: action as FirewallRule['action'],
  };
}

/**
 * A rule's fingerprint, kept in its comment next to the name: the provider reads it back to
 * tell a rule as Kasper wrote it from one that has to be rewritten.
 */
export function fingerprint(rule: FirewallRule): string {
  return createHash('sha256').update(JSON.stringify(rule)).digest('hex').slice(0, 12);
}

export const firewallType: TypeDefinition = {
  name: 'firewall',
  namevar: 'name',
  properties: [{ name: 'ensure' }, { name: 'rule' }],
  parameters: ['name', 'chain', 'table', 'proto', 'dport', 'sport', 'source', 'destination', 'iniface', 'outiface', 'state', 'ctstate',
    'action', 'jump', 'protocol', 'provider', 'icmp'],
  validate(r: Resource) {
    ruleOf(r);
    const e = asString(r.params.ensure);
    if (e !== undefined && e !== 'present' && e !== 'absent') throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: 'present, absent' });
  },
  desired(r: Resource) {
    const ensure = asString(r.params.ensure) ?? 'present';
    if (ensure === 'absent') return { ensure };
    return { ensure, rule: fingerprint(ruleOf(r)) };
  },
};

export const firewallchainType: TypeDefinition = {
  name: 'firewallchain',
  namevar: 'name',
  // `purge => true`: no rule that Kasper does not manage stays in the chain.
  properties: [{ name: 'ensure' }, { name: 'purge', format: (v) => String(v) }],
  parameters: ['name', 'ignore', 'policy', 'provider'],
  validate(r: Resource) {
    if (!/^[A-Za-z0-9_-]+:(filter|nat|mangle|raw|security):(IPv4|IPv6|ethernet)$/.test(r.name)) {
      throw raise('KSP-PROVIDERS-015', { name: r.name });
    }
  },
  desired(r: Resource) {
    const d: Record<string, unknown> = { ensure: asString(r.params.ensure) ?? 'present' };
    if (r.params.purge === true || r.params.purge === 'true') d.purge = 'no unmanaged rules';
    return d;
  },
  autorequire: () => [],
};

/** Where the run keeps the names of the firewall rules it manages. */
const MANAGED_RULES = 'firewall:managed';

/** The names of the firewall rules this run manages: a chain's purge removes the others. */
export function managedRules(ctx: ProviderContext): Set<string> {
  return (ctx.cache.get(MANAGED_RULES) as Set<string> | undefined) ?? new Set<string>();
}

/** A firewall provider's prefetch: the run's rules are managed, whichever provider applies them. */
export async function rememberManagedRules(resources: readonly Resource[], ctx: ProviderContext): Promise<void> {
  const managed = managedRules(ctx);
  for (const r of resources) managed.add(r.name);
  ctx.cache.set(MANAGED_RULES, managed);
}
