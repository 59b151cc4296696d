notify { 'certname': message => $trusted['certname'] }
notify { 'parts': message => "${trusted['hostname']} in ${trusted['domain']} (${trusted['authenticated']})" }
notify { 'role': message => $trusted['extensions']['pp_role'] }
notify { 'external': message => $trusted['external'] }
class trusted_in_class {
  notify { 'env-ext': message => $::trusted['extensions']['pp_environment'] }
}
include trusted_in_class
