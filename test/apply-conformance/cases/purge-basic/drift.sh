echo 'eve:x:1005:1005::/home/eve:/bin/sh' >> /etc/passwd
echo 'eve:*:19000:0:99999:7:::' >> /etc/shadow
printf '192.0.2.9\tnew.example.com\n' >> /etc/hosts
