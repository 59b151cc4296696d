define deep::one::thing { notify { "thing-${title}": } }
