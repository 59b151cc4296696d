notice('a')
'forgotten'
notice('b')
