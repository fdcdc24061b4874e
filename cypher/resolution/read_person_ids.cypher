// Every person id ever used (active or retired), so that no id is ever reused.
MATCH (p:Person) RETURN p.person_id AS person_id
