# What `puppet apply` and `kasper apply` add to the host's facts (clientcert, clientversion,
# clientnoop, agent_specified_environment, puppetversion) and set as server facts, written to a
# file to compare. Host-specific values are compared, not printed.
$host_fqdn = $facts['networking']['fqdn']
$lines = [
  "clientcert is the fqdn: ${clientcert == $host_fqdn} ${facts['clientcert'] == $host_fqdn}",
  "clientversion: ${clientversion} ${type($clientversion, generalized)} ${facts['clientversion']} >= 6.0: ${versioncmp($clientversion, '6.0') >= 0}",
  "clientnoop: ${clientnoop} ${type($clientnoop, generalized)} ${facts['clientnoop']}",
  "agent_specified_environment: '${agent_specified_environment}' ${'agent_specified_environment' in $facts} '${facts['agent_specified_environment']}'",
  "puppetversion: ${facts['puppetversion']}",
  "server_facts: ${server_facts}",
  "servername: ${type($servername)} serverip: ${type($serverip)} serverversion: ${type($serverversion)}",
]
file { '@ROOT@/facts.txt':
  content => "${join($lines, "\n")}\n",
}
