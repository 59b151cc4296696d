# Downloaded from a local path and file://, checked against a sha256 or md5, extracted until
# `creates` exists and cleaned up (or kept), and a checksum that does not match.
file { ["${root}/dl", "${root}/opt"]: ensure => directory }
archive { "${root}/dl/app.tar.gz":
  source       => "${root}/src/app.tar.gz",
  extract      => true,
  extract_path => "${root}/opt",
  creates      => "${root}/opt/app/README",
  cleanup      => true,
}
archive { "${root}/dl/data.txt":
  source        => "file://${root}/src/data.txt",
  checksum      => '5aa03f96c77536579166fba147929626cc3a97960e994057a9d80271a736d10f',
  checksum_type => 'sha256',
}
archive { "${root}/dl/data-md5.txt":
  source        => "${root}/src/data.txt",
  checksum      => 'c2b0e2b4f8c4a5d8b9bb3d6f0b3ac1c1',
  checksum_type => 'md5',
}
archive { "${root}/dl/kept.tar.gz":
  source       => "${root}/src/app.tar.gz",
  extract      => true,
  extract_path => "${root}/opt",
  creates      => "${root}/opt/app/VERSION",
  cleanup      => false,
}
