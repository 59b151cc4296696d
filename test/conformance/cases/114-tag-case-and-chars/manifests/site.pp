notify { 'UPPER': tag => ['MixedCase', 'with.dot', 'with-dash', 'colons::too'] }
notify { 'has space': }
notify { '/path/title': }
