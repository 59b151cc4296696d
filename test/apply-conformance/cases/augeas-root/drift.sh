sed -i 's/ extra$//' "$ROOT/etc/hosts"
