sed -i 's/^postmaster: root/postmaster: admin/' "$ROOT/aliases"
