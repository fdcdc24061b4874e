// Which of these person ids the graph has used already (active or retired).
UNWIND $ids AS id
MATCH (p:Person {person_id: id})
RETURN p.person_id AS person_id
