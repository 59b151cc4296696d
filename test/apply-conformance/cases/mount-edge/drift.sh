sed -i 's/size=2m/size=3m/' "$ROOT/fstab"
