// A partner identified these subjects fully (first name, surname and date of birth): it may
// open them until $until.
UNWIND $keys AS key
MERGE (i:Identification {key: key})
SET i.until = $until
