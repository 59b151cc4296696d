# A Deferred value that reads what an earlier resource makes (file() on the agent). With
# preprocess_deferred (Puppet's default) it is resolved before anything is applied, so the run
# fails and changes nothing; with preprocess_deferred = false it is resolved when its resource
# comes, after what it requires. A resource no one requires shows where the run stops.
file { '@ROOT@/source.txt': content => "made earlier\n" }
file { '@ROOT@/copy.txt':
  content => Deferred('file', ['@ROOT@/source.txt']),
  require => File['@ROOT@/source.txt'],
}
file { '@ROOT@/independent.txt': content => "independent\n" }
