@notify { 'a': message => 'x', loglevel => 'info' }
@notify { 'b': message => 'y', loglevel => 'info' }
@notify { 'c': message => 'x', loglevel => 'warning' }
@notify { 'd': message => 'z', loglevel => 'err' }
Notify <| (message == 'x' or message == 'z') and loglevel != 'warning' |>
