// Real-time: store the records' blocking keys, then return each record's candidates: the
// records sharing at least one key (indexed equality lookups, at most $per_key per key;
// one lookup per bk_ property of records.BK_PROPS — a test holds them equal),
// with their persons. The keys are stored first so that records submitted together find
// each other, as they would one after another. A record resolved here also keeps what this
// resolution saw of it (row.resolved_as; null for a record only looked at: left as it was).
CALL () {
  UNWIND $rows AS row
  MATCH (r:Record {source: row.source, source_record_id: row.source_record_id})
  SET r += row.keys, r.bk_fp = row.fp, r.resolved_as = coalesce(row.resolved_as, r.resolved_as)
}
UNWIND $rows AS row
CALL (row) {
  MATCH (c:Record) WHERE c.bk_dob_l = row.keys.bk_dob_l RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_dob_f = row.keys.bk_dob_f RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_names = row.keys.bk_names RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_dob_i = row.keys.bk_dob_i RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_dob_pc = row.keys.bk_dob_pc RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_pc_l = row.keys.bk_pc_l RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_pc_h = row.keys.bk_pc_h RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_ny_yob = row.keys.bk_ny_yob RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_street_f = row.keys.bk_street_f RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_street_l = row.keys.bk_street_l RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_dob_h = row.keys.bk_dob_h RETURN c LIMIT $per_key
  UNION
  // The slots of a rule share one key space: a given name found in another record's
  // surname field (and the other way round) is a candidate too.
  MATCH (c:Record) WHERE c.bk_dob_n_first IN [row.keys.bk_dob_n_first, row.keys.bk_dob_n_last]
  RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_dob_n_last IN [row.keys.bk_dob_n_first, row.keys.bk_dob_n_last]
  RETURN c LIMIT $per_key
}
WITH row, c WHERE NOT (c.source = row.source AND c.source_record_id = row.source_record_id)
OPTIONAL MATCH (c)<-[:HAS_RECORD]-(p:Person)
// One row per record, its candidates as a list of maps: the driver decodes a list in one
// go, where a row each cost it more than the rows' values.
RETURN row.source AS seed_source, row.source_record_id AS seed_record_id,
       collect({source: c.source, source_record_id: c.source_record_id,
                first_name: c.first_name, last_name: c.last_name,
                date_of_birth: toString(c.date_of_birth), gender: c.gender,
                address: c.address, postcode: c.postcode, person_id: p.person_id}) AS candidates
