define svcunit($content = 'x') { notify { "unit-${title}": message => $content } }
notify { 'pre': }
svcunit { 'u1': require => Notify['pre'], tag => ['units'] }
svcunit { 'u2': before => Svcunit['u1'], noop => true }
