include chain
