// Evaluation only, when resolution has not run: Persons from a seeds data set's truth
// (truth/records.csv), each holding the records of one true person.
UNWIND $rows AS row
MATCH (r:Record {source: row.source, source_record_id: row.source_record_id})
MERGE (p:Person {person_id: row.person_id})
  ON CREATE SET p.origin = 'seeds-truth'
MERGE (p)-[:HAS_RECORD]->(r)
