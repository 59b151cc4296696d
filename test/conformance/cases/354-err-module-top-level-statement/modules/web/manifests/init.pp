class web {
  notify { 'web': }
}

notify { 'stray': }
