MATCH (h:Household) RETURN h.household_id AS household_id
