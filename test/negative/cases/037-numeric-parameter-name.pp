define foo($1) {
}
