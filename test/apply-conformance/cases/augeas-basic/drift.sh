sed -i 's/^PermitRootLogin no/PermitRootLogin yes/' "$ROOT/sshd_config"
