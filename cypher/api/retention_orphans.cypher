// After records go: addresses no record or household points at, and persons with no
// records (and no alerts), are removed too.
CALL () {
  MATCH (a:Address) WHERE NOT (a)<-[:LIVES_AT]-() AND NOT (a)<-[:AT]-()
  DETACH DELETE a
  RETURN count(*) AS n, 'addresses' AS what
  UNION
  MATCH (p:Person) WHERE NOT (p)-[:HAS_RECORD]->() AND NOT (p)<-[:CONCERNS]-()
  DETACH DELETE p
  RETURN count(*) AS n, 'persons' AS what
}
RETURN what, n
