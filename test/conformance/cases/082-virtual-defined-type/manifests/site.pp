define member($role = 'user') { notify { "member-${title}": message => $role } }
@member { 'alice': role => 'admin' }
@member { 'bob': }
realize(Member['alice'])
