notify { 'auth': message => $trusted['authenticated'] }
notify { 'external': message => $trusted['external']['cmdb']['owner'] }
notify { 'hiera-external': message => lookup('owner::label') }
