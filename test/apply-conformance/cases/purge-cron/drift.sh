(crontab -u "$USER" -l; echo '# Puppet Name: again'; echo '0 3 * * * /bin/again') | crontab -u "$USER" -
