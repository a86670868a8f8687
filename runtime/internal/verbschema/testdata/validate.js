// validate.js FILE… checks each file, a JSON array of jambonz verbs, with
// the official verb schema (@jambonz/verb-specifications). It prints one
// line per file, "ok FILE" or "invalid FILE: why", and exits 1 when any
// file is invalid. Run by runtime/internal/verbschema.Check.
'use strict';
const fs = require('fs');
const {validate} = require('@jambonz/verb-specifications');

const quiet = {debug() {}, info() {}, warn() {}, error() {}};
let bad = 0;
for (const file of process.argv.slice(2)) {
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!Array.isArray(doc) || doc.length === 0) throw new Error('not a non-empty array of verbs');
    validate(quiet, doc);
    console.log(`ok ${file}`);
  } catch (err) {
    bad++;
    console.log(`invalid ${file}: ${err.message}`);
  }
}
process.exit(bad ? 1 : 0);
