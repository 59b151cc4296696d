unless true {
} elsif false {
}
