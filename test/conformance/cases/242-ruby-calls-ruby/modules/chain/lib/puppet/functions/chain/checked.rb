Puppet::Functions.create_function(:'chain::checked') do
  dispatch :checked do
    param 'String', :value
    return_type 'String'
  end

  def checked(value)
    raise Puppet::ParseError, "chain::checked: the value is empty" if value.empty?
    # a break out of find, in the called function
    found = value.each_char.find { |c| c =~ /[a-z]/ }
    "checked #{value} (first letter #{found})"
  end
end
