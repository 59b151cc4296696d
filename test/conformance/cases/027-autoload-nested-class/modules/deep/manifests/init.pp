class deep { notify { 'deep': } }
