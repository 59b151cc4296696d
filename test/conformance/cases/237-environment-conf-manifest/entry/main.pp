notify { 'custom-manifest': message => $environment }
