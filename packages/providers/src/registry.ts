// The types and providers a run can use: Kasper's own, plus any a module ships in
// `lib/kasper/types/*.ts` (exporting `type`, a TypeDefinition) or `lib/kasper/providers/*.ts`
// (exporting `provider`, a Provider), so users add their own without touching Kasper.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Host, Provider, RegisteredType, Resource, TypeDefinition } from './api.ts';
import { detectHost } from './host.ts';
import { raise } from './messages.ts';
import { fileType } from './types/file.ts';
import { notifyType, notifyProvider } from './types/notify.ts';
import { execType } from './types/exec.ts';
import { groupType, userType } from './types/user.ts';
import { packageType } from './types/package.ts';
import { serviceType } from './types/service.ts';
import { firewallType, firewallchainType } from './types/firewall.ts';
import { firewallNftables, firewallchainNftables } from './providers/firewall-nftables.ts';
import { firewallIptables, firewallchainIptables } from './providers/firewall-iptables.ts';
import { filePosix } from './providers/file-posix.ts';
import { execPosix } from './providers/exec-posix.ts';
import { groupadd, useradd } from './providers/useradd.ts';
import { apt } from './providers/apt.ts';
import { dpkg } from './providers/dpkg.ts';
import { serviceDebian } from './providers/service-debian.ts';
import { serviceSystemd } from './providers/service-systemd.ts';
import { CORE_PROVIDERS, CORE_TYPE_DEFINITIONS } from './core-types.ts';
import { MODULE_PROVIDERS, MODULE_TYPE_DEFINITIONS } from './module-types.ts';

export { MODULE_TYPES } from './module-types.ts';

export class Registry {
  private readonly types = new Map<string, RegisteredType>();
  /** Types modules ship in Ruby only (lib/puppet/type/NAME.rb): the module, to say so when one is used. */
  private readonly rubyTypes = new Map<string, { module: string; file: string }>();

  constructor() {
    for (const t of [fileType, notifyType, execType, userType, groupType, packageType, serviceType, firewallType, firewallchainType,
      ...CORE_TYPE_DEFINITIONS, ...MODULE_TYPE_DEFINITIONS]) this.addType(t);
    for (const p of [filePosix, notifyProvider, execPosix, useradd, groupadd, apt, dpkg, serviceDebian, serviceSystemd,
      firewallNftables, firewallchainNftables, firewallIptables, firewallchainIptables,
      ...CORE_PROVIDERS, ...MODULE_PROVIDERS]) this.addProvider(p);
  }

  addType(t: TypeDefinition): void {
    const existing = this.types.get(t.name);
    this.types.set(t.name, { definition: t, providers: existing?.providers ?? [] });
  }

  addProvider(p: Provider): void {
    const t = this.types.get(p.type);
    if (!t) throw raise('KSP-PROVIDERS-030', { provider: p.name, type: p.type });
    t.providers = [...t.providers.filter((x) => x.name !== p.name), p];
  }

  type(name: string): RegisteredType | undefined {
    return this.types.get(name);
  }

  /** The type of that name; KSP-PROVIDERS-031 when Kasper has none. */
  requireType(name: string): RegisteredType {
    const t = this.types.get(name);
    if (t) return t;
    const mod = this.rubyTypes.get(name);
    if (mod) throw raise('KSP-PROVIDERS-111', { type: name, module: mod.module, file: mod.file });
    throw raise('KSP-PROVIDERS-031', { type: name });
  }

  typeNames(): string[] {
    return [...this.types.keys()].sort();
  }

  /**
   * The provider a resource of this type gets on this host when it names none (the host's
   * default, else the first suitable); undefined when Kasper has no such type or none suits.
   * What stdlib's package_provider and service_provider facts report.
   */
  defaultProviderName(type: string, host: Host): string | undefined {
    const t = this.types.get(type);
    const suitable = t ? t.providers.filter((p) => p.suitable(host)) : [];
    return (suitable.find((p) => p.isDefault?.(host)) ?? suitable[0])?.name;
  }

  /** The provider for a resource: the one it names, else the host's default, else the first suitable. */
  providerFor(r: Resource, host: Host): Provider {
    const t = this.requireType(r.type);
    const wanted = r.params.provider;
    if (typeof wanted === 'string') {
      const p = t.providers.find((x) => x.name === wanted);
      if (!p) throw raise('KSP-PROVIDERS-032', { type: r.type, provider: wanted, known: t.providers.map((x) => x.name).join(', ') });
      if (!p.suitable(host)) throw raise('KSP-PROVIDERS-033', { provider: wanted });
      return p;
    }
    const suitable = t.providers.filter((p) => p.suitable(host));
    const chosen = suitable.find((p) => p.isDefault?.(host)) ?? suitable[0];
    if (!chosen) throw raise('KSP-PROVIDERS-034', { type: r.type, tried: t.providers.map((x) => x.name).join(', ') });
    return chosen;
  }

  /** Loads types and providers shipped in modules' lib/kasper folders. */
  async loadFromModules(modulepath: string[]): Promise<string[]> {
    const loaded: string[] = [];
    for (const dir of modulepath) {
      if (!existsSync(dir)) continue;
      for (const mod of readdirSync(dir).sort()) {
        const rubyTypes = join(dir, mod, 'lib', 'puppet', 'type');
        if (existsSync(rubyTypes)) {
          for (const f of readdirSync(rubyTypes).filter((x) => x.endsWith('.rb'))) {
            const name = f.slice(0, -3);
            if (!this.rubyTypes.has(name)) this.rubyTypes.set(name, { module: mod, file: join(rubyTypes, f) });
          }
        }
        for (const kind of ['types', 'providers'] as const) {
          const folder = join(dir, mod, 'lib', 'kasper', kind);
          if (!existsSync(folder)) continue;
          for (const f of readdirSync(folder).filter((x) => /\.(ts|js|mjs)$/.test(x)).sort()) {
            const m = (await import(pathToFileURL(join(folder, f)).href)) as { type?: TypeDefinition; provider?: Provider };
            if (kind === 'types' && m.type) this.addType(m.type);
            if (kind === 'providers' && m.provider) this.addProvider(m.provider);
            loaded.push(`${mod}/${kind}/${f}`);
          }
        }
      }
    }
    return loaded;
  }
}

/**
 * This host's default provider of each built-in type, as the agent would choose it here: what
 * stdlib's package_provider and service_provider facts report (`kasper facts`, the agent's facts).
 */
export function hostDefaultProviders(): (type: string) => string | undefined {
  const registry = new Registry();
  const host = detectHost();
  return (type) => registry.defaultProviderName(type, host);
}
