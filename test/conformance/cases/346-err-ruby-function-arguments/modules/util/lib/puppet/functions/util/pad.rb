Puppet::Functions.create_function(:'util::pad') do
  dispatch :pad_int do
    param 'Integer', :n
  end
  dispatch :pad_str do
    param 'String', :s
    param 'Integer[1]', :width
  end

  def pad_int(n)
    n.to_s.rjust(4, '0')
  end

  def pad_str(s, width)
    s.rjust(width)
  end
end
