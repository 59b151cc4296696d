class common { notify { 'common': } }
include common
node default {
  include common
  notify { 'node-res': }
}
