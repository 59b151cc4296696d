class foo(*$rest) {
}
