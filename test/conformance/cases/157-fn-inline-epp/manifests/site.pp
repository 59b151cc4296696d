$t = @(EOT)
<%- | String $name, Array $items = [] | -%>
Hello <%= $name %>!
<% $items.each |$i| { -%>
* <%= $i %>
<% } -%>
<%# a comment %>
fqdn=<%= $facts['fqdn'] %>
EOT
notify { 'inline-epp': message => inline_epp($t, { 'name' => 'World', 'items' => ['x', 'y'] }) }
notify { 'inline-epp-simple': message => inline_epp('<%= 1 + 2 %>-<%= $::hostname %>') }
