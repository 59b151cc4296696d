crontab -u "$USER" -l | sed 's/^5 1,13 /6 1,13 /' | crontab -u "$USER" -
