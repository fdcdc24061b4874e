MATCH (x:Pseudonym {value: $value})
WHERE x.key_id = $key_id
RETURN x.subject_id AS subject_id
