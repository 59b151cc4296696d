class tagged_class {
  notify { 'before-tag': }
  tag 'role_web', 'Tier-Front'
  notify { 'after-tag': }
}
include tagged_class
