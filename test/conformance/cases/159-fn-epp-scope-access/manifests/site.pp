$site_name = 'dc-east'
include app
