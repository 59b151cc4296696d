crontab -u "$USER" -l | sed 's/^30 2 /45 2 /; /by-target/d' | crontab -u "$USER" -
