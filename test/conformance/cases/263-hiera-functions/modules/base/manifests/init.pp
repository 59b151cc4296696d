class base { notify { 'base included': } }
