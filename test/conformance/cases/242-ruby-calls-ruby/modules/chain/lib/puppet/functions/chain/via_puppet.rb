Puppet::Functions.create_function(:'chain::via_puppet') do
  dispatch :via_puppet do
    param 'Array[String]', :items
  end

  def via_puppet(items)
    items.map { |i| call_function('chain::wrap', i) }.join('; ')
  end
end
