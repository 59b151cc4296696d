@notify { 'exists': }
realize(Notify['exists'], Notify['missing'])
