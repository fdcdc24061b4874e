// A read refused by a daily quota: the DPO's anomaly view shows it.
MERGE (u:DailyUsage {key: $usage_key})
  ON CREATE SET u.username = $username, u.role = $role, u.day = $day, u.searches = 0, u.subjects = 0,
                u.refused = 0, u.viewed = []
SET u.counted_at = datetime()
WITH u
SET u.refused = u.refused + 1
