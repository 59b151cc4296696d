notify { 'global-wins': message => lookup('layer::name') }
notify { 'env-only': message => lookup('layer::env_only') }
notify { 'merged': message => lookup('layer::list', Array, 'unique') }
