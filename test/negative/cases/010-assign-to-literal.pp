notice('before')
'x' = 1
