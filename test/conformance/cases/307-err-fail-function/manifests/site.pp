class guard {
  if $facts['os']['family'] == 'Debian' {
    fail("Unsupported platform: ${facts['os']['name']} ${facts['os']['release']['major']}")
  }
}
include guard
