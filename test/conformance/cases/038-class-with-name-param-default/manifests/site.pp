class selfref(String $label = "${title}-label", String $n = $name) {
  notify { 'selfref': message => "${label} ${n}" }
}
include selfref
