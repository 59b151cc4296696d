echo old > "$ROOT/logs/a.log"; touch -d 2000-01-01T00:00:00 "$ROOT/logs/a.log"
head -c 30000 /dev/zero > "$ROOT/cache/big2.bin"
