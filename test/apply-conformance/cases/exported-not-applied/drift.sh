# The exported folder appears by other means: the noop run must not touch it either.
mkdir -p "$ROOT/exported"
chmod 0755 "$ROOT/exported"
rmdir "$ROOT/local"
