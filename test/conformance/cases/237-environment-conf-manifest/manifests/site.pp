notify { 'not-loaded': }
