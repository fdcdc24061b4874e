// Blocking keys of records (a missing key is null, which removes the property).
UNWIND $rows AS row
MATCH (r:Record {source: row.source, source_record_id: row.source_record_id})
SET r += row.keys, r.bk_fp = row.fp
