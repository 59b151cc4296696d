notify { 'digests': message => {
  'sha1'   => sha1('puppet'),
  'sha256' => sha256('puppet'),
  'md5'    => md5('puppet'),
  'empty'  => md5(''),
  'utf8'   => sha256('héllo wörld'),
} }
