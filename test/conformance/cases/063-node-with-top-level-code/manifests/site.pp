$site = 'dc1'
class base { notify { 'base': message => $site } }
include base
node default {
  notify { 'node': message => "node in ${site}" }
}
notify { 'top-after': }
