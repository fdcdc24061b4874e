// A person and its records across agencies, with each record's organisation.
MATCH (p:Person {person_id: $person_id})-[:HAS_RECORD]->(r:Record)
OPTIONAL MATCH (r)-[:HELD_BY]->(o:Organisation)
RETURN p {.person_id, .first_name, .last_name, .status, .record_count,
          date_of_birth: toString(p.date_of_birth)} AS person,
       r {.source, .source_record_id, .first_name, .last_name, .gender, .address, .postcode,
          date_of_birth: toString(r.date_of_birth), last_seen: toString(r.last_seen)} AS record,
       o {.code, .name, .kind} AS organisation
ORDER BY r.source, r.source_record_id
LIMIT $limit
