define thing($a = 1) {
  notify { "thing ${title}": }
}
@@thing { "exported": bogus => 1 }
notify { "after": }
