define alpha::widget {
  notify { "widget-${title}": message => "module=${module_name}" }
}
