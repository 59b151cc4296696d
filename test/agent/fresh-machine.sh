#!/bin/sh
# Runs a command as on a fresh Debian machine, where nftables and iptables are not installed:
# inside a mount namespace of its own (unshare -m), dpkg's status file lacks both packages and
# their commands are hidden (an empty, non-executable file bound over each). The host is not
# changed. Usage: unshare -m test/agent/fresh-machine.sh COMMAND...
set -e
status=$(mktemp /tmp/kasper-fresh-status.XXXXXX)
awk 'BEGIN{RS="";ORS="\n\n"} !/^Package: (nftables|iptables)\n/' /var/lib/dpkg/status > "$status"
mount --bind "$status" /var/lib/dpkg/status
rm -f "$status" 
for c in /usr/sbin/nft /usr/sbin/iptables /usr/sbin/ip6tables; do [ -e $c ] && mount --bind /dev/null $c; done
exec "$@"
