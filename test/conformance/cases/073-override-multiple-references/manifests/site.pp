notify { ['x', 'y', 'z']: }
Notify['x', 'y'] { message => 'overridden' }
