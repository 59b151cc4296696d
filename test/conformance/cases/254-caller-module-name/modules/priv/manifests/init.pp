class priv {
  include priv::internal
  [1].each |$i| { include priv::fromlambda }
  class { 'priv::child': }
}
