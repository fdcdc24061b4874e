MATCH (i:Identification {key: $key})
RETURN i.until > datetime() AS identified
