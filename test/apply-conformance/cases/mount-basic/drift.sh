umount "$ROOT/mnt/a"
mount -t tmpfs tmpfs "$ROOT/mnt/c"
sed -i 's/size=2m/size=4m/' "$ROOT/fstab"
