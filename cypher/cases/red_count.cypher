// How many Red cases are new (no one has acted on them yet), for the MASH's header.
MATCH (c:Case {rag: 'Red', status: 'new'})
RETURN count(c) AS count
