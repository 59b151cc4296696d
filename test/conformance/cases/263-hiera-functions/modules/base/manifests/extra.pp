class base::extra { notify { 'base::extra included': } }
