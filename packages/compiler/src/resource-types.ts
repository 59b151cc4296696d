// Resource types Puppet 7 ships (its lib/puppet/type), known to the compiler so that declaring
// them is not an "unknown resource type". Their attributes are checked by the agent's types.
export const BUILTIN_RESOURCE_TYPES = new Set([
  'augeas', 'computer', 'cron', 'exec', 'file', 'filebucket', 'group', 'host', 'interface',
  'k5login', 'macauthorization', 'mailalias', 'maillist', 'mcx', 'mount', 'nagios_command',
  'notify', 'package', 'resources', 'router', 'schedule', 'scheduled_task', 'selboolean',
  'selmodule', 'service', 'ssh_authorized_key', 'sshkey', 'stage', 'tidy', 'user', 'vlan',
  'whit', 'yumrepo', 'zfs', 'zone', 'zpool',
  // Kasper's agent manages packet filters itself (Puppet needs puppetlabs-firewall for these).
  'firewall', 'firewallchain',
]);

/** The namevar of built-in types whose namevar is not `name`. */
export const BUILTIN_NAMEVARS: Record<string, string> = {
  file: 'path', exec: 'command', tidy: 'path', mount: 'name', ssh_authorized_key: 'name',
};
