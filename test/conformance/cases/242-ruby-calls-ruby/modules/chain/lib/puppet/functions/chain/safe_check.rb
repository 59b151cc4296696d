Puppet::Functions.create_function(:'chain::safe_check') do
  dispatch :safe_check do
    param 'Any', :value
  end

  def safe_check(value)
    call_function('chain::checked', value)
  rescue Puppet::ParseError => e
    "rescued #{e.class}: #{e.message}"
  rescue ArgumentError => e
    "rescued #{e.class}"
  end
end
