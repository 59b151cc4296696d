notify { 'env': message => $environment }
notify { 'server-env': message => $server_facts['environment'] }
class envreader { notify { 'in-class': message => "env=${::environment}" } }
include envreader
