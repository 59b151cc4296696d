sed -i 's/192.0.2.1\t/192.0.2.77\t/; /plain.example.com/d' "$ROOT/hosts"
