notify { ['src', 'x', 'y', 'z']: }
Notify['src'] -> Notify['z']
Notify['src'] -> Notify['x']
Notify['src'] -> Notify['y']
