class withdef(String $p = 'default-value', Optional[String] $q = undef) {
  notify { 'withdef': message => "p=${p} q=[${q}]" }
}
class { 'withdef': p => undef, q => undef }
