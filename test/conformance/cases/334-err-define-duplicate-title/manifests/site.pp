define thing {}
thing { 'same': }
thing { 'same': }
