// The addresses of a batch's new records that the graph does not hold yet, one entry a
// key, created before the records that live there link to them.
UNWIND $addresses AS row
CREATE (:Address {key: row.key, line: row.line, postcode: row.postcode,
                  postcode_valid: row.postcode_valid, outward: row.outward})
