for d in opts nodump plain slash ghostgone; do mkdir -p "$ROOT/mnt/$d"; done
mount -t tmpfs -o size=1m tmpfs "$ROOT/mnt/opts"
mount -t tmpfs tmpfs "$ROOT/mnt/ghostgone"
