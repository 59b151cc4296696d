include role::web
include shared
