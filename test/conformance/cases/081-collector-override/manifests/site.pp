notify { 'real-1': message => 'orig', tag => 'grp' }
notify { 'real-2': message => 'orig' }
@notify { 'virt': message => 'orig', tag => 'grp' }
Notify <| tag == 'grp' |> { message => 'collected', withpath => true }
