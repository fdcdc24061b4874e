// Real-time: SIMILAR pairs that the clusters' evidence linked (a surname change with a
// move) are stored at the link weight, as the batch run stores them, so that a later
// re-clustering of the person from the stored weights keeps it whole.
UNWIND $pairs AS row
MATCH (:Record {source: row.sa, source_record_id: row.ia})-[s:SIMILAR]-(:Record {source: row.sb, source_record_id: row.ib})
SET s.match_weight = row.match_weight, s.probability = row.probability, s.band = 'link', s.updated_at = datetime()
