@user { 'alice': groups => ['admin', 'dev'] }
@user { 'bob': groups => ['dev'] }
@user { 'carol': groups => 'admin' }
@user { 'dave': shell => '/bin/zsh' }
User <| groups == 'admin' |>
