/**
 * Version of what an article file yields (front-matter reading, HTML extraction, cleaning, sentence
 * splitting). The index stores parsed articles and re-parses only files whose bytes changed, so bump
 * this whenever a change to those rules changes their output: every snapshot is then rebuilt. In a
 * module of its own so that loading an index does not load the parsers (the HTML stack takes ~1 s).
 */
export const PARSER_VERSION = 'parser-3';
