// One node per partner organisation; details given by a mapping or by rows overwrite older ones.
UNWIND $organisations AS org
MERGE (o:Organisation {code: org.code})
  ON CREATE SET o.name = org.code, o.kind = 'unknown', o.created_at = datetime()
SET o += org.details
