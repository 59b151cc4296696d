# Deferred values resolved on the agent before anything is applied: core functions, nested
# Deferred, a $facts lookup, a Sensitive argument, and results that are Sensitive (hidden in
# every message) or unwrapped (shown, as Puppet shows them).
$secret = Sensitive('s3cret')
file { '@ROOT@/joined':
  content => Deferred('join', [['a', 'b', 'c'], "\n"]),
}
file { '@ROOT@/formatted':
  content => Deferred('sprintf', ["port=%05d name=%s\n", 80, 'web']),
}
file { '@ROOT@/nested':
  content => Deferred('join', [[Deferred('sprintf', ['%03d', 7]), Deferred('join', [['x', 'y'], '+'])], '-']),
}
file { '@ROOT@/kernel':
  content => Deferred('$facts', ['kernel']),
}
file { '@ROOT@/password':
  content => Deferred('unwrap', [$secret]),
  mode    => '0600',
}
file { '@ROOT@/redacted-argument':
  content => Deferred('sprintf', ['<%s>', $secret]),
}
file { '@ROOT@/sensitive-result':
  content => Deferred('new', [Sensitive, "hidden\n"]),
}
file { '@ROOT@/sensitive-content':
  content => Sensitive(Deferred('join', [['also', 'hidden'], ' '])),
}
# A template rendered on the agent (what stdlib::deferrable_epp leaves when a variable is Deferred).
$template = @(EOT)
  user=<%= $user %>
  port=<%= $port %>
  | EOT
file { '@ROOT@/template':
  content => Deferred('inline_epp', [$template, { 'user' => 'admin', 'port' => Deferred('sprintf', ['%d', 8080]) }]),
}
