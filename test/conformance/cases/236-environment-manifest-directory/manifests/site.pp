node default { notify { 'node': } }
