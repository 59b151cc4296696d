module Puppet::Parser::Functions
  newfunction(:legacy_greeting, :type => :rvalue, :arity => -2) do |args|
    name = args[0]
    family = lookupvar('facts')['os']['family']
    suffix = args[1].nil? ? '' : " #{args[1]}"
    "hello #{name} on #{family} (#{args.length} args)#{suffix}"
  end
end
