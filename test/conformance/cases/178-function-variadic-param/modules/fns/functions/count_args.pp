function fns::count_args(String *$args) >> String {
  "${args.length}: ${args.join('|')}"
}
