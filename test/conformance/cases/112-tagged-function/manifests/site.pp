class profile::db {
  tag 'database'
  notify { 'checks': message => [tagged('database'), tagged('profile::db'), tagged('profile'), tagged('db'), tagged('web'), tagged('class')] }
}
include profile::db
