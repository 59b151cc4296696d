define account($shell = '/bin/bash') { notify { "account-${title}": message => $shell } }
account { ['alice', 'bob']: shell => '/bin/zsh' }
$more = ['carol', 'dave']
account { $more: }
