// The span of the records' internal ids: `aim resolve --engine spark` reads the records in
// id ranges, one Spark partition each (an id is stable while the records are not deleted).
MATCH (r:Record)
RETURN min(id(r)) AS lo, max(id(r)) AS hi, count(r) AS n
