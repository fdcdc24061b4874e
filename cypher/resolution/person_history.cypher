// The resolution events about a person, newest first.
MATCH (e:ResolutionEvent)-[:ABOUT]->(:Person {person_id: $person_id})
RETURN e {.*, at: toString(e.at)} AS event
ORDER BY e.at DESC LIMIT $limit
