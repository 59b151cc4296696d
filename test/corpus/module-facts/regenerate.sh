#!/bin/sh
# Records Puppet 7's answer for the custom facts in names.txt, with the modules of Debian's
# puppet-module-* packages on the modulepath, and what about this host those answers depend on
# (module-facts.test.ts compares Kasper's answer when the host is the same kind).
#   test/corpus/module-facts/regenerate.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
names=$(grep -v '^#' "$here/names.txt" | tr '\n' ' ')
# shellcheck disable=SC2086
facts=$(puppet facts show --modulepath /usr/share/puppet/modules --render-as json $names 2>/dev/null)
cpus=$(nproc)
pid1=$(cat /proc/1/comm)
debian=$(cut -d. -f1 /etc/debian_version)
# The programs some facts look for (module-facts.test.ts's PROBED): which of them this host has.
commands=$(for c in haproxy httpd apache2 apachectl collectd rabbitmqadmin redis-server erl mysql filebeat ovs-vsctl sssd virsh; do
  command -v "$c" >/dev/null 2>&1 && printf '"%s",' "$c"; done | sed 's/,$//')
printf '{\n "puppet": "%s",\n "host": {"debian": "%s", "processors": %s, "pid1": "%s", "commands": [%s]},\n "facts": %s\n}\n' \
  "$(puppet --version)" "$debian" "$cpus" "$pid1" "$commands" "$facts" > "$here/expected.json"
echo "wrote $here/expected.json"
