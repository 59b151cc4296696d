$a = notice('a notice')
$b = warning('a warning', 2)
$c = info('info')
$d = debug('debug')
$e = err('an err')
notify { 'log-returns': message => "[${a}][${b}][${c}][${d}][${e}]" }
