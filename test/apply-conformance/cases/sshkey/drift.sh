sed -i 's/,git / /' "$ROOT/ssh_known_hosts"
