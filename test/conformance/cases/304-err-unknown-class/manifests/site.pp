class present {}
include present
include absent::klass
