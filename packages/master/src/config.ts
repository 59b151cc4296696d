import type { AutosignPolicy } from '@kasper/ca';
import { PUPPET_VERSION } from '@kasper/catalog';

export interface MasterConfig {
  confdir: string;
  vardir: string;
  bind: string;
  port: number;
  /** The master's own certname and the names agents may reach it by. */
  certname: string;
  dnsAltNames: string[];
  /** Folder of environments: <dir>/<env>/{manifests,modules,hiera.yaml,data}. */
  environmentpath: string;
  /** Module folders shared by every environment. */
  basemodulepath: string[];
  /**
   * The CA master (`https://host:port`) when this master is not the CA (`ca_server`): it keeps
   * no CA key, gets its own certificate from there, forwards the open CA routes and refreshes
   * the CRL every `caRefreshSeconds` (default 60). See docs/master.md, *Several masters*.
   */
  caServer?: string;
  caRefreshSeconds?: number;
  /** `sqlite:/path` or `postgres://…`; default SQLite in the vardir. */
  storage?: string;
  autosign?: AutosignPolicy;
  /** Puppet's external node classifier: an executable printing a node's environment, classes and parameters as YAML. */
  externalNodes?: string;
  compileWorkers?: number;
  /** Log to this file (JSON lines); default the vardir's log/master.log. */
  logFile?: string;
  /** Largest accepted request body, bytes. */
  bodyLimit?: number;
  /** Heap of each compile worker in MiB (default 512). */
  compileHeapMb?: number;
  /** Bytes of compiled catalogs kept in memory (default 128 MiB). */
  catalogCacheBytes?: number;
  /** Certnames that may use the PuppetDB query API besides the master's own (`query_allow`). */
  queryAllow?: string[];
  /** Reports are kept this long: `14d`, `12h`, or seconds; 0 keeps them forever (`report_ttl`, default 14d). */
  reportTtl?: string | number;
  /** Nodes with no facts, catalog or report for this long expire (`node_ttl`, default 7d; 0 never). */
  nodeTtl?: string | number;
  /** Deactivated or expired nodes are deleted with their data after this long (`node_purge_ttl`, default 14d; 0 never). */
  nodePurgeTtl?: string | number;
  /** Garbage collection runs this often: `60m`, or minutes (`gc_interval`, default 60; 0 never). */
  gcInterval?: string | number;
  /**
   * This host as Facter names it (fqdn, ipaddress, ipaddress6), for the server facts every
   * compile gets (`$server_facts`, `$servername`, `$serverip`, `$serverip6`); `kasper master`
   * fills it from @kasper/facts. Without it servername is the certname and no address is given.
   */
  host?: { fqdn?: string; ipaddress?: string; ipaddress6?: string };
  /** Seconds between the heartbeats on agents' run-request streams (default 15). */
  runHeartbeatSeconds?: number;
}

/**
 * The server facts a Puppet 7 master gives every compile: its version (the Puppet version Kasper
 * answers for), name and addresses, as Puppet's catalog compiler takes them from Facter
 * (servername from fqdn, serverip from ipaddress, serverip6 from ipaddress6, when known).
 */
export function serverFactsOf(config: MasterConfig): Record<string, string> {
  const facts: Record<string, string> = { serverversion: PUPPET_VERSION, servername: config.host?.fqdn || config.certname };
  if (config.host?.ipaddress) facts.serverip = config.host.ipaddress;
  if (config.host?.ipaddress6) facts.serverip6 = config.host.ipaddress6;
  return facts;
}
