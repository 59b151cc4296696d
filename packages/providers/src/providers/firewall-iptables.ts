// Firewall rules with iptables / ip6tables in the built-in tables, as puppetlabs-firewall
// manages them: each rule carries its name in a comment, Kasper's rules are kept in name order
// among whatever else the chain holds, and firewallchain can purge what Kasper does not manage.
import type { Provider, ProviderContext, Resource } from '../api.ts';
import { runChecked } from '../executor.ts';
import { raise } from '../messages.ts';
import { managedRules, rememberManagedRules, ruleOf, type FirewallRule } from '../types/firewall.ts';
import { commentOf, compareNames, parseComment } from './firewall-nftables.ts';

interface IptRule {
  /** 1-based position in the chain. */
  position: number;
  name: string | undefined;
  fingerprint: string | undefined;
  /** The rule as `iptables -S` prints it (`-A CHAIN …`). */
  spec: string;
}

const command = (family: string) => (family === 'IPv6' ? 'ip6tables' : 'iptables');

/** Splits an `iptables -S` line into arguments (quoted comments stay one argument). */
export function splitSpec(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

async function listChain(ctx: ProviderContext, family: string, table: string, chain: string): Promise<IptRule[] | null> {
  const r = await ctx.exec.run(command(family), ['-w', '-t', table, '-S', chain]);
  if (r.exitCode !== 0) return null;
  const rules: IptRule[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('-A ')) continue;
    const c = /--comment (?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(line);
    const comment = c ? (c[1] ?? c[2]).replace(/\\(.)/g, '$1') : undefined;
    const parsed = comment !== undefined ? parseComment(comment) : undefined;
    rules.push({ position: rules.length + 1, name: parsed?.name, fingerprint: parsed?.fingerprint, spec: line });
  }
  return rules;
}

/** The iptables match and target arguments for a rule. */
export function iptablesArgs(rule: FirewallRule): string[] {
  const a: string[] = [];
  const addr = (flag: string, v: string) => (v.startsWith('!') ? a.push('!', flag, v.slice(1)) : a.push(flag, v));
  if (rule.source) addr('-s', rule.source);
  if (rule.destination) addr('-d', rule.destination);
  if (rule.iniface) a.push('-i', rule.iniface);
  if (rule.outiface) a.push('-o', rule.outiface);
  if (rule.proto) {
    const proto = rule.family === 'IPv6' && (rule.proto === 'icmp' || rule.proto === 'icmpv6') ? 'ipv6-icmp' : rule.proto;
    a.push('-p', proto);
    const multi = (rule.sport?.length ?? 0) > 1 || (rule.dport?.length ?? 0) > 1;
    if (multi) {
      a.push('-m', 'multiport');
      if (rule.sport) a.push('--sports', rule.sport.map((p) => p.replace('-', ':')).join(','));
      if (rule.dport) a.push('--dports', rule.dport.map((p) => p.replace('-', ':')).join(','));
    } else if (rule.sport || rule.dport) {
      a.push('-m', proto);
      if (rule.sport) a.push('--sport', rule.sport[0].replace('-', ':'));
      if (rule.dport) a.push('--dport', rule.dport[0].replace('-', ':'));
    }
  }
  if (rule.state) a.push('-m', 'conntrack', '--ctstate', rule.state.join(','));
  a.push('-m', 'comment', '--comment', commentOf(rule));
  a.push('-j', rule.action.toUpperCase());
  return a;
}

/** Where a rule goes: before the first of Kasper's rules that sorts after it, else after the last. */
function insertPosition(rules: IptRule[], name: string): number {
  const ours = rules.filter((x) => x.name !== undefined && x.fingerprint !== undefined);
  const next = ours.find((x) => compareNames(x.name!, name) > 0);
  if (next) return next.position;
  const last = ours[ours.length - 1];
  return last ? last.position + 1 : rules.length + 1;
}

export const firewallIptables: Provider = {
  name: 'iptables',
  type: 'firewall',
  commands: ['iptables'],
  suitable: (host) => host.hasCommand('iptables'),
  isDefault: (host) => !host.hasCommand('nft') && host.hasCommand('iptables'),
  prefetch: rememberManagedRules,
  async retrieve(r, ctx) {
    const rule = ruleOf(r);
    const rules = await listChain(ctx, rule.family, rule.table, rule.chain);
    if (rules === null) throw raise('KSP-PROVIDERS-025', { chain: rule.chain, table: rule.table });
    const found = rules.find((x) => x.name === rule.name);
    if (!found) return { ensure: 'absent' };
    return { ensure: 'present', rule: found.fingerprint ?? 'unknown' };
  },
  async sync(r: Resource, changes, ctx) {
    const rule = ruleOf(r);
    const cmd = command(rule.family);
    let rules = (await listChain(ctx, rule.family, rule.table, rule.chain)) ?? [];
    // Remove the rule as it is now (every copy, highest position first), then add it anew.
    for (const old of rules.filter((x) => x.name === rule.name).reverse()) {
      await runChecked(ctx.exec, cmd, ['-w', '-t', rule.table, '-D', rule.chain, String(old.position)]);
    }
    if (changes.some((c) => c.property === 'ensure' && c.should === 'absent')) return;
    rules = (await listChain(ctx, rule.family, rule.table, rule.chain)) ?? [];
    const pos = insertPosition(rules, rule.name);
    await runChecked(ctx.exec, cmd, ['-w', '-t', rule.table, '-I', rule.chain, String(pos), ...iptablesArgs(rule)]);
  },
};

export const firewallchainIptables: Provider = {
  name: 'iptables',
  type: 'firewallchain',
  commands: ['iptables'],
  suitable: (host) => host.hasCommand('iptables'),
  isDefault: (host) => !host.hasCommand('nft') && host.hasCommand('iptables'),
  async retrieve(r, ctx) {
    const [chain, table, family] = r.name.split(':');
    const rules = await listChain(ctx, family, table, chain);
    if (rules === null) return { ensure: 'absent', purge: 'no unmanaged rules' };
    const managed = managedRules(ctx);
    const unmanaged = rules.filter((x) => x.name === undefined || !managed.has(x.name)).length;
    return { ensure: 'present', purge: unmanaged ? `${unmanaged} unmanaged rules` : 'no unmanaged rules' };
  },
  async sync(r, changes, ctx) {
    const [chain, table, family] = r.name.split(':');
    const cmd = command(family);
    if (changes.some((c) => c.property === 'ensure' && c.should === 'present')) {
      const exists = await listChain(ctx, family, table, chain);
      if (exists === null) await runChecked(ctx.exec, cmd, ['-w', '-t', table, '-N', chain]);
    }
    if (!changes.some((c) => c.property === 'purge')) return;
    const managed = managedRules(ctx);
    const rules = (await listChain(ctx, family, table, chain)) ?? [];
    for (const x of [...rules].reverse()) {
      if (x.name !== undefined && managed.has(x.name)) continue;
      await runChecked(ctx.exec, cmd, ['-w', '-t', table, '-D', chain, String(x.position)]);
    }
  },
};
