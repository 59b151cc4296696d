define thing($a = 1) {
  notify { "thing ${title}": }
}
@thing { "virtual": bogus => 1 }
thing { "regular": other => 2 }
