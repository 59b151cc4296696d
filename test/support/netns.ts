// Test networks of Linux network namespaces (root and iproute2): a bridge in a namespace of its
// own, and namespaces (or the host) plugged into it by veth pairs, each with an address. The
// fleet suites build their machines this way: a master, agents, a database, a load balancer.
import { execFileSync, spawnSync } from 'node:child_process';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

export class TestNetwork {
  /** The namespace holding the bridge (`br0`). */
  readonly ns: string;
  private readonly prefix: string;
  private readonly bridgeIp: string | undefined;
  private readonly namespaces: string[] = [];
  private readonly hostLinks: string[] = [];

  /**
   * `prefix` names the veth pairs (`${prefix}${name}a` / `…b`: unique to the test process and at
   * most 13 characters with the name, as a link name has 15). `bridgeIp`: an address of the bridge
   * itself (the namespace is then a machine on the network too, a master).
   */
  constructor(ns: string, prefix: string, bridgeIp?: string) {
    this.ns = ns;
    this.prefix = prefix;
    this.bridgeIp = bridgeIp;
  }

  /** Makes the bridge's namespace and the bridge (remove() undoes whatever was made, also after a failure). */
  create(): void {
    this.addNamespace(this.ns);
    this.inNs(this.ns, 'ip', 'link', 'add', 'br0', 'type', 'bridge');
    if (this.bridgeIp) this.inNs(this.ns, 'ip', 'addr', 'add', `${this.bridgeIp}/24`, 'dev', 'br0');
    this.inNs(this.ns, 'ip', 'link', 'set', 'br0', 'up');
  }

  /** Plugs a new namespace (or the host, `peerNs` null) into the bridge with address `address`; `name` makes its link names. */
  plug(peerNs: string | null, address: string, name: string): void {
    const [a, b] = [`${this.prefix}${name}a`, `${this.prefix}${name}b`];
    ip('link', 'add', a, 'type', 'veth', 'peer', 'name', b);
    this.hostLinks.push(b); // deleted by remove() if it is still on the host (a failure, or the host's own)
    ip('link', 'set', a, 'netns', this.ns);
    this.inNs(this.ns, 'ip', 'link', 'set', a, 'master', 'br0');
    this.inNs(this.ns, 'ip', 'link', 'set', a, 'up');
    if (peerNs) {
      this.addNamespace(peerNs);
      ip('link', 'set', b, 'netns', peerNs);
      this.inNs(peerNs, 'ip', 'addr', 'add', `${address}/24`, 'dev', b);
      this.inNs(peerNs, 'ip', 'link', 'set', b, 'up');
    } else {
      ip('addr', 'add', `${address}/24`, 'dev', b);
      ip('link', 'set', b, 'up');
    }
  }

  /** Removes the namespaces it made (their links go with them) and its links left on the host. */
  remove(): void {
    for (const ns of this.namespaces.splice(0).reverse()) spawnSync('ip', ['netns', 'del', ns]);
    for (const link of this.hostLinks.splice(0)) spawnSync('ip', ['link', 'del', link]);
  }

  private addNamespace(ns: string): void {
    ip('netns', 'add', ns);
    this.namespaces.push(ns);
    this.inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
  }

  private inNs(ns: string, ...args: string[]): void {
    ip('netns', 'exec', ns, ...args);
  }
}
