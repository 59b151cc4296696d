$top_value = 'top'
class caller {
  $local_value = 'caller local'
  notify { 'fn-scope': message => scopes::probe() }
}
include caller
