module Puppet::Parser::Functions
  newfunction(:legacy_inner, :type => :rvalue) do |args|
    raise Puppet::ParseError, 'legacy_inner(): empty' if args[0].to_s.empty?
    "inner #{args[0]}"
  end
end
