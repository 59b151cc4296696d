define reporter {
  notify { "report-${title}": message => "secret=[${secret}]" }
}
class declarer {
  $secret = 'hidden'
  reporter { 'r': }
}
include declarer
