$users = { 'alice' => { 'uid' => 1001, 'shell' => '/bin/bash' }, 'bob' => { 'uid' => 1002, 'shell' => '/bin/zsh' } }
notify { 'passwd': message => inline_epp(@(EPP), { 'users' => $users })
  <%- | Hash $users | -%>
  <%- $users.each |$name, $u| { -%>
  <%= $name %>:x:<%= $u['uid'] %>:<%= $u['uid'] %>::/home/<%= $name %>:<%= $u['shell'] %>
  <%- } -%>
  | EPP
}
