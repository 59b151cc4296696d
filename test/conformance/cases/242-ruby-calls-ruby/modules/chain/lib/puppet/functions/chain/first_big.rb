Puppet::Functions.create_function(:'chain::first_big') do
  dispatch :first_big do
    param 'Array[Integer]', :list
  end

  def first_big(list)
    big = call_function('each', list) { |x| break x if x > 4 }
    return big if big.is_a?(Integer)

    catch(:none) do
      call_function('each', list) { |x| throw :none, "threw at #{x}" if x > 1 }
      'no throw'
    end
  end
end
