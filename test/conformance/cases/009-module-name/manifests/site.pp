include alpha
alpha::widget { 'w': }
notify { 'site': message => "site module_name=[${module_name}]" }
