node /^app(\d+)\.(\w+)\./ { notify { 'matched': message => "regex app=${1} env=${2} whole=${0}" } }
node default { notify { 'matched': message => 'default' } }
