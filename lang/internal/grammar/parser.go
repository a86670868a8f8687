package grammar

// Parser is built once; participle parsers are safe for concurrent use.
var Parser = build[File]()
