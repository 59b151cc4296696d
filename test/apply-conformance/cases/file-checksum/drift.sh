printf 'drifted\n' > "$ROOT/default.txt"
printf 'drifted\n' > "$ROOT/md5.txt"
printf 'drifted\n' > "$ROOT/sha512.txt"
printf 'drifted\n' > "$ROOT/md5lite.txt"
