// One node per partner organisation; details given by a mapping or by rows overwrite older ones.
// An organisation that already holds every given detail is dropped first, with a plain read:
// a SET would lock its node (shared by every record of the agency) until the batch commits,
// and so serialise every concurrent writer for that agency.
UNWIND $organisations AS org
OPTIONAL MATCH (known:Organisation {code: org.code})
WITH org, known
WHERE known IS NULL OR any(name IN keys(org.details) WHERE NOT coalesce(known[name] = org.details[name], false))
MERGE (o:Organisation {code: org.code})
  ON CREATE SET o.name = org.code, o.kind = 'unknown', o.created_at = datetime()
SET o += org.details
