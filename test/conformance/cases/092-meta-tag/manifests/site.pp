notify { 'single': tag => 'alpha' }
notify { 'multi': tag => ['beta', 'gamma::delta'] }
