$ensure = 'latest"'
validate_re($ensure, ['^present$', '^absent$'])
