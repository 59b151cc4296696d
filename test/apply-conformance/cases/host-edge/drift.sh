sed -i 's/^192.0.2.1\twith-aliases/192.0.2.1\twith-aliases x/' "$ROOT/hosts"
