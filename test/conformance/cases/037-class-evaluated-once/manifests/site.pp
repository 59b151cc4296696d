class counter {
  notify { "counter-${facts['hostname']}": }
}
class a { include counter }
class b { include counter }
include a, b, counter
