// The pseudonyms shown to analysts, so that they can name a household or person back by
// pseudonym (never by its real id). $key_id names the pseudonym key: a rotated key's
// pseudonyms no longer lead anywhere.
UNWIND $pseudonyms AS p
MERGE (x:Pseudonym {value: p.value})
SET x.subject_id = p.subject_id, x.key_id = $key_id
