class qux { baz::d { 'fromqux': } class { 'qux::inner': } }
