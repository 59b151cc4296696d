function chain::wrap(String $s) >> String {
  chain::checked($s)
}
