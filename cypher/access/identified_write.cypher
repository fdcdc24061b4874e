// A partner identified these subjects fully (first name, surname and date of birth): it may
// open them until $until. Its identifications that have run out go.
UNWIND $keys AS key
MERGE (i:Identification {key: key})
SET i.until = $until
WITH count(*) AS written
MATCH (old:Identification) WHERE old.key STARTS WITH $prefix AND old.until < datetime()
DELETE old
