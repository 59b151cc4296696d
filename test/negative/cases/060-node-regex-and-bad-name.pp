node /web/, 'db#1' {
}
