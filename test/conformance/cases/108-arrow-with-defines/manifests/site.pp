define thing { notify { "inside-${title}": } }
thing { 'one': }
thing { 'two': }
Thing['one'] -> Thing['two']
notify { 'after-inside': }
Notify['inside-one'] -> Notify['after-inside']
