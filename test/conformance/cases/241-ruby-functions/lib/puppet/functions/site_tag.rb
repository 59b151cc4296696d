Puppet::Functions.create_function(:site_tag) do
  dispatch :site_tag do
    param 'String', :role
  end

  def site_tag(role)
    "site-#{role}"
  end
end
