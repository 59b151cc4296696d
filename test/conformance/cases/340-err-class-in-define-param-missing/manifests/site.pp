define svc(String $command) {}
svc { 'x': }
