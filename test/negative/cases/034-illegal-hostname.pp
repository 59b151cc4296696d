node 'web*01' {
}
