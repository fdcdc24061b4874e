// What a local re-clustering needs, in one round trip: the records of the given persons
// (and the given seed records) and the SIMILAR pairs and decisions touching them.
CALL () {
  UNWIND $person_ids AS pid
  MATCH (p:Person {person_id: pid})-[:HAS_RECORD]->(r:Record)
  RETURN collect(r {.source, .source_record_id, .first_name, .last_name, .gender, .address, .postcode,
                    date_of_birth: toString(r.date_of_birth), person_id: p.person_id}) AS records
}
CALL (records) {
  WITH [x IN records | [x.source, x.source_record_id]] + $seeds AS keys
  UNWIND keys AS k
  MATCH (a:Record {source: k[0], source_record_id: k[1]})-[s:SIMILAR|REVIEWED]-(b:Record)
  RETURN collect({sa: a.source, ia: a.source_record_id, sb: b.source, ib: b.source_record_id,
                  type: type(s), match_weight: s.match_weight, decision: s.decision}) AS edges
}
RETURN records, edges
