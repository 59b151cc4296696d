@@notify { 'mine-a': tag => 'cluster' }
@@notify { 'mine-b': tag => 'other' }
Notify <<| tag == 'cluster' |>>
