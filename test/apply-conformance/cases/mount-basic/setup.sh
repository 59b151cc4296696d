# Mounted before the run: c (in fstab, to be unmounted), old (to be removed), ghost (not in fstab).
for d in a b c d e old ghost; do mkdir -p "$ROOT/mnt/$d"; done
mount -t tmpfs -o size=1m tmpfs "$ROOT/mnt/c"
mount -t tmpfs tmpfs "$ROOT/mnt/old"
mount -t tmpfs -o size=3m tmpfs "$ROOT/mnt/ghost"
