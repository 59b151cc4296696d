node 'other.example.com' {}
node /^db/ {}
