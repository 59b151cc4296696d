# Every trusted key is gone, whichever keyring each tool kept it in.
rm -f "$ROOT/apt/trusted.gpg" "$ROOT/apt/trusted.gpg~" "$ROOT"/apt/trusted.gpg.d/*
