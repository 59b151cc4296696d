class foo($a, $a) {
}
