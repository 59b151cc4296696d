// Firewall rules with nftables, in Kasper's own table (`inet kasper`, chains input, output and
// forward), so rules other software keeps in other tables are never touched. Rules are kept in
// name order; every change rewrites the chain in one atomic `nft -f` transaction.
import type { Provider, ProviderContext, Resource } from '../api.ts';
import { runChecked } from '../executor.ts';
import { raise } from '../messages.ts';
import { fingerprint, managedRules, rememberManagedRules, ruleOf, type FirewallRule } from '../types/firewall.ts';

export const TABLE = 'kasper';
const CHAINS: Record<string, string> = { INPUT: 'input', OUTPUT: 'output', FORWARD: 'forward' };

interface NftRule {
  name: string;
  fingerprint: string | undefined;
  /** The rule as `nft list` prints it, without its handle: it can be added back as it is. */
  text: string;
  handle: number;
}

/** `100 allow ssh [kasper:0123abcd4567]` ↔ name and fingerprint. */
export function commentOf(rule: FirewallRule): string {
  return `${rule.name} [kasper:${fingerprint(rule)}]`;
}

export function parseComment(comment: string): { name: string; fingerprint?: string } {
  const m = /^(.*) \[kasper:([0-9a-f]+)\]$/.exec(comment);
  return m ? { name: m[1], fingerprint: m[2] } : { name: comment };
}

/** Rules in name order: by their leading number, then by the rest of the name. */
export function compareNames(a: string, b: string): number {
  const na = Number(/^\d+/.exec(a)?.[0] ?? 0);
  const nb = Number(/^\d+/.exec(b)?.[0] ?? 0);
  return na - nb || (a < b ? -1 : a > b ? 1 : 0);
}

function chainOf(rule: FirewallRule): string {
  const c = CHAINS[rule.chain];
  if (!c) throw raise('KSP-PROVIDERS-023', { chain: rule.chain });
  if (rule.table !== 'filter') throw raise('KSP-PROVIDERS-024', { table: rule.table });
  return c;
}

/** The nft expression for a rule. */
export function nftExpression(rule: FirewallRule): string {
  const parts: string[] = [];
  const ip = rule.family === 'IPv6' ? 'ip6' : 'ip';
  if (!rule.source && !rule.destination) parts.push(`meta nfproto ${rule.family === 'IPv6' ? 'ipv6' : 'ipv4'}`);
  if (rule.iniface) parts.push(`iifname "${rule.iniface}"`);
  if (rule.outiface) parts.push(`oifname "${rule.outiface}"`);
  const addr = (what: 'saddr' | 'daddr', v: string) => parts.push(v.startsWith('!') ? `${ip} ${what} != ${v.slice(1)}` : `${ip} ${what} ${v}`);
  if (rule.source) addr('saddr', rule.source);
  if (rule.destination) addr('daddr', rule.destination);
  const set = (ports: string[]) => (ports.length === 1 ? ports[0] : `{ ${ports.join(', ')} }`);
  if (rule.proto) {
    const proto = rule.proto === 'icmpv6' ? 'ipv6-icmp' : rule.proto;
    if (rule.sport || rule.dport) {
      if (rule.sport) parts.push(`${proto} sport ${set(rule.sport)}`);
      if (rule.dport) parts.push(`${proto} dport ${set(rule.dport)}`);
    } else {
      parts.push(`meta l4proto ${proto}`);
    }
  }
  if (rule.state) parts.push(`ct state ${rule.state.length === 1 ? rule.state[0].toLowerCase() : `{ ${rule.state.map((s) => s.toLowerCase()).join(', ')} }`}`);
  parts.push(rule.action);
  parts.push(`comment "${commentOf(rule)}"`);
  return parts.join(' ');
}

async function listChain(ctx: ProviderContext, chain: string): Promise<NftRule[] | null> {
  const r = await ctx.exec.run('nft', ['-a', 'list', 'chain', 'inet', TABLE, chain]);
  if (r.exitCode !== 0) return null;
  const rules: NftRule[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s+(.*\S)\s+# handle (\d+)$/.exec(line);
    if (!m || /^(type|chain|table) /.test(m[1])) continue;
    const c = /comment "((?:[^"\\]|\\.)*)"/.exec(m[1]);
    const { name, fingerprint: fp } = parseComment(c ? c[1] : '');
    rules.push({ name, fingerprint: fp, text: m[1], handle: Number(m[2]) });
  }
  return rules;
}

/** The table with its base chains, declared so that applying it creates what is missing. */
function tableDeclaration(): string {
  const chains = Object.values(CHAINS).map((c) => `  chain ${c} { type filter hook ${c} priority 0; policy accept; }`).join('\n');
  return `table inet ${TABLE} {\n${chains}\n}\n`;
}

/** Rewrites a chain with these rules (name order), in one transaction. */
async function writeChain(ctx: ProviderContext, chain: string, rules: string[]): Promise<void> {
  const script = `${tableDeclaration()}flush chain inet ${TABLE} ${chain}\n${rules.map((t) => `add rule inet ${TABLE} ${chain} ${t}`).join('\n')}\n`;
  await runChecked(ctx.exec, 'nft', ['-f', '-'], { input: script });
}

export const firewallNftables: Provider = {
  name: 'nftables',
  type: 'firewall',
  commands: ['nft'],
  suitable: (host) => host.hasCommand('nft'),
  isDefault: (host) => host.hasCommand('nft'),
  prefetch: rememberManagedRules,
  async retrieve(r, ctx) {
    const rule = ruleOf(r);
    const rules = await listChain(ctx, chainOf(rule));
    const found = rules?.find((x) => x.name === rule.name);
    if (!found) return { ensure: 'absent' };
    return { ensure: 'present', rule: found.fingerprint ?? 'unknown' };
  },
  async sync(r, changes, ctx) {
    const rule = ruleOf(r);
    const chain = chainOf(rule);
    const existing = ((await listChain(ctx, chain)) ?? []).filter((x) => x.name !== rule.name);
    const removing = changes.some((c) => c.property === 'ensure' && c.should === 'absent');
    const entries = existing.map((x) => ({ name: x.name, text: x.text }));
    if (!removing) entries.push({ name: rule.name, text: nftExpression(rule) });
    entries.sort((a, b) => compareNames(a.name, b.name));
    await writeChain(ctx, chain, entries.map((e) => e.text));
  },
};

export const firewallchainNftables: Provider = {
  name: 'nftables',
  type: 'firewallchain',
  commands: ['nft'],
  suitable: (host) => host.hasCommand('nft'),
  isDefault: (host) => host.hasCommand('nft'),
  async retrieve(r, ctx) {
    const [name] = r.name.split(':');
    const chain = CHAINS[name.toUpperCase()];
    if (!chain) throw raise('KSP-PROVIDERS-023', { chain: name });
    const rules = await listChain(ctx, chain);
    if (rules === null) return { ensure: 'absent', purge: 'no unmanaged rules' };
    const managed = managedRules(ctx);
    const unmanaged = rules.filter((x) => !managed.has(x.name)).length;
    return { ensure: 'present', purge: unmanaged ? `${unmanaged} unmanaged rules` : 'no unmanaged rules' };
  },
  async sync(r, changes, ctx) {
    const chain = CHAINS[r.name.split(':')[0].toUpperCase()];
    const rules = (await listChain(ctx, chain)) ?? [];
    const managed = managedRules(ctx);
    const keep = changes.some((c) => c.property === 'purge') ? rules.filter((x) => managed.has(x.name)) : rules;
    await writeChain(ctx, chain, keep.map((x) => x.text));
  },
};
