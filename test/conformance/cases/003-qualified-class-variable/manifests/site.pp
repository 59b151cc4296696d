include app::config
include app::report
