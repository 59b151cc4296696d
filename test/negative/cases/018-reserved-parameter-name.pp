define foo($name) {
}
