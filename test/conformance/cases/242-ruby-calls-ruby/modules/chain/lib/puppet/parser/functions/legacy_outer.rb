module Puppet::Parser::Functions
  newfunction(:legacy_outer, :type => :rvalue) do |args|
    begin
      'outer ' + function_legacy_inner([args[0]])
    rescue Puppet::ParseError => e
      "outer rescued: #{e.message}"
    end
  end
end
