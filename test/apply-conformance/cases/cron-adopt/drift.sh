crontab -u "$USER" -l | sed 's/^MAILTO=ops@example.com/MAILTO=dev@example.com/' | crontab -u "$USER" -
