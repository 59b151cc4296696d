class accounts(Hash $users = {}, Array $groups = []) {
  notify { 'accounts': message => { 'users' => $users, 'groups' => $groups } }
}
include accounts
