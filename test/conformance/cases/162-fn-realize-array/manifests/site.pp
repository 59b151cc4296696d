@notify { ['v1', 'v2', 'v3']: }
realize([Notify['v1'], Notify['v2']])
$which = 'v3'
realize(Notify[$which])
