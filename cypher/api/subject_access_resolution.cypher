// The resolution events about a person (creations, merges, splits), oldest first.
MATCH (e:ResolutionEvent)-[:ABOUT]->(:Person {person_id: $person_id})
RETURN e {.*} AS event
ORDER BY e.at
