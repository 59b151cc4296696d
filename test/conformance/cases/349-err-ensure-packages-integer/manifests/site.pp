ensure_packages(['vim'])
ensure_packages([86])
