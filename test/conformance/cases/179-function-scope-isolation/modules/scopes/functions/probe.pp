function scopes::probe() >> String {
  "top=${top_value} local=[${local_value}] fact=${facts['hostname']} cert=${trusted['certname']}"
}
