define outer() {
  define inner() {}
}
