notify { 'values': message => [lookup('app::name'), lookup('app::enabled'), lookup('app::ratio'), lookup('app::when'), lookup('app::nothing', undef, undef, 'dflt')] }
notify { 'null-found': message => "[${lookup('app::nothing')}]" }
