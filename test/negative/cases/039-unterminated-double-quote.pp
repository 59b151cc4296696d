$x = "open
