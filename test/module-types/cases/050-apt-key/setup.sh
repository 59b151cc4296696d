# apt's configuration inside the root (the case's env file points APT_CONFIG at it), with key
# two already trusted in the old shared keyring, as apt-key left keys.
mkdir -p "$ROOT/apt/trusted.gpg.d"
cat > "$ROOT/apt.conf" <<CONF
Dir::Etc::trusted "$ROOT/apt/trusted.gpg";
Dir::Etc::trustedparts "$ROOT/apt/trusted.gpg.d/";
CONF
gpg --batch --no-tty --dearmor < "$ROOT/two.asc" > "$ROOT/apt/trusted.gpg"
