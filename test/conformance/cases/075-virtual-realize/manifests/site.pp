@user { 'alice': uid => 1001, groups => ['admin'] }
@user { 'bob': uid => 1002 }
@user { 'carol': uid => 1003 }
realize(User['alice'])
realize User['carol']
