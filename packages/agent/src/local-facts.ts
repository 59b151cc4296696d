// The facts Puppet's agent and `puppet apply` add to what the host reports, about the run rather
// than the host (Puppet::Node::Facts#add_local_facts and the facts Puppet registers with Facter).
import { PUPPET_VERSION } from '@kasper/catalog';

export interface LocalFactsOptions {
  /** The node's certname: `clientcert`. */
  certname: string;
  /** Whether the run is a noop run: `clientnoop`, a Boolean. */
  noop: boolean;
  /**
   * The environment when the user chose it (a flag or kasper.conf), as Puppet's
   * `agent_specified_environment`; undefined when the environment is the default, and then the
   * fact is absent, as under Puppet.
   */
  agentSpecifiedEnvironment?: string;
}

/**
 * The host's facts with the run's own added: `puppetversion`, `agent_specified_environment`
 * (when the environment was chosen), `clientcert`, `clientversion` and `clientnoop`, in Puppet's
 * order. The versions are Puppet's that Kasper answers for (PUPPET_VERSION). A new object; the
 * host's facts are not changed.
 */
export function withLocalFacts<T extends Record<string, unknown>>(facts: T, options: LocalFactsOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { ...facts, puppetversion: PUPPET_VERSION };
  if (options.agentSpecifiedEnvironment !== undefined) out.agent_specified_environment = options.agentSpecifiedEnvironment;
  // Puppet sets these last, over any fact of the same name.
  delete out.clientcert;
  delete out.clientversion;
  delete out.clientnoop;
  out.clientcert = options.certname;
  out.clientversion = PUPPET_VERSION;
  out.clientnoop = options.noop;
  return out;
}
