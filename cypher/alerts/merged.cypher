// Alerts still about persons that resolution has merged into these (tombstones linked by
// MERGED_INTO to the survivor), with the survivor's own alert for the same rule, if any
// (one row: a list).
UNWIND $person_ids AS survivor
MATCH (:Person {person_id: survivor})<-[:MERGED_INTO*1..20]-(old:Person)
MATCH (a:Alert {subject_type: 'person', subject_id: old.person_id})
OPTIONAL MATCH (kept:Alert {rule: a.rule, subject_type: 'person', subject_id: survivor})
RETURN collect({alert_id: a.alert_id, status: a.status, old_id: old.person_id, survivor: survivor,
                kept_id: kept.alert_id}) AS merged
