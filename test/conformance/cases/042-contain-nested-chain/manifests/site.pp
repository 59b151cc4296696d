class inner { notify { 'inner': } }
class middle { contain inner }
class outer { contain middle }
class before_all { notify { 'first': } }
include outer, before_all
Class['before_all'] -> Class['outer']
