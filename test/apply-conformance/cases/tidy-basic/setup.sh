# Old files (mtime and atime in 2000) and new ones, big and small, nested, an old empty folder.
old() { touch -d 2000-01-01T00:00:00 "$@"; }
mkdir -p "$ROOT/logs/sub/deeper" "$ROOT/cache/inner" "$ROOT/tmp/emptyold" "$ROOT/tmp/full/inner"
echo old > "$ROOT/logs/a.log"; echo new > "$ROOT/logs/b.log"; echo old > "$ROOT/logs/c.txt"
echo old > "$ROOT/logs/sub/d.log"; echo old > "$ROOT/logs/sub/deeper/e.log"; echo old > "$ROOT/logs/.hidden.log"
old "$ROOT/logs/a.log" "$ROOT/logs/c.txt" "$ROOT/logs/sub/d.log" "$ROOT/logs/sub/deeper/e.log" "$ROOT/logs/.hidden.log"
head -c 20000 /dev/zero > "$ROOT/cache/big.bin"; echo small > "$ROOT/cache/small.bin"; head -c 20000 /dev/zero > "$ROOT/cache/inner/deep.bin"
echo x > "$ROOT/tmp/full/inner/f"; echo x > "$ROOT/tmp/full/g"; echo x > "$ROOT/tmp/managed"; echo new > "$ROOT/tmp/recent"
old "$ROOT/tmp/full/inner/f" "$ROOT/tmp/full/g" "$ROOT/tmp/managed" "$ROOT/tmp/full/inner" "$ROOT/tmp/full" "$ROOT/tmp/emptyold"
echo old > "$ROOT/single.old"; old "$ROOT/single.old"
