// Shared addresses (care homes, hostels, blocks with one postal address) form no household.
UNWIND $rows AS row
MATCH (a:Address {key: row.address})
SET a.shared = row.shared, a.shared_reason = row.reason,
    a.person_count = row.persons, a.surname_count = row.surnames
