notify { 'global': message => hiera('greeting') }
notify { 'module via hiera': message => hiera('profile::motd', 'not seen by hiera') }
notify { 'module via lookup': message => lookup('profile::motd') }
notify { 'module via hiera_array': message => join(hiera_array('profile::list', ['none']), ',') }
hiera_include('empty_classes')
