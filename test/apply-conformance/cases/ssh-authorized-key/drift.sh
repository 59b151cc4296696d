sed -i 's/^from="192.0.2.0\/24" //; /carol@new/d' "$ROOT/home/.ssh/authorized_keys"
