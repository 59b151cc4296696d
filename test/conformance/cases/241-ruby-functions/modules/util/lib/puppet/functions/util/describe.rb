Puppet::Functions.create_function(:'util::describe') do
  dispatch :describe_int do
    param 'Integer[0]', :n
  end
  dispatch :describe_list do
    param 'Array[String, 1]', :items
    optional_param 'String', :sep
  end
  dispatch :describe_each do
    param 'Hash[String, Integer]', :counts
    block_param 'Callable[2, 2]', :block
  end

  def describe_int(n)
    "int #{n} doubled #{n * 2}"
  end

  def describe_list(items, sep = ', ')
    "list " + call_function('join', items.map(&:upcase), sep)
  end

  def describe_each(counts)
    counts.map { |k, v| yield(k, v) }
  end
end
