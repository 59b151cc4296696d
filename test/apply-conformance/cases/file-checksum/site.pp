# file checksums: Puppet 7 sums content with sha256 by default (digest_algorithm); `checksum`
# picks another sum per file, which the messages about content show.
# (show_diff is off where drift.sh changes a file: the noop diff is not what this case checks.)
file { '@ROOT@/default.txt': content => "default\n", show_diff => false }
file { '@ROOT@/md5.txt': content => "md5\n", checksum => md5, show_diff => false }
file { '@ROOT@/sha256.txt': content => "sha256\n", checksum => sha256 }
file { '@ROOT@/sha224.txt': content => "sha224\n", checksum => sha224 }
file { '@ROOT@/sha384.txt': content => "sha384\n", checksum => sha384 }
file { '@ROOT@/sha512.txt': content => "sha512\n", checksum => sha512, show_diff => false }
file { '@ROOT@/md5lite.txt': content => "md5lite\n", checksum => md5lite, show_diff => false }
file { '@ROOT@/sha256lite.txt': content => "sha256lite\n", checksum => sha256lite }
file { '@ROOT@/changed.txt': content => "new\n", show_diff => false }
file { '@ROOT@/changed-md5.txt': content => "new\n", checksum => md5, show_diff => false }
