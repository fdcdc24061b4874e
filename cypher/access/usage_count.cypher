// A user's reads today: one more search ($searches 1), and the subjects viewed for the first
// time today (each counted once a day, kept as a keyed hash, not the id).
MERGE (u:DailyUsage {key: $usage_key})
  ON CREATE SET u.username = $username, u.role = $role, u.day = $day, u.searches = 0, u.subjects = 0,
                u.refused = 0
SET u.searches = u.searches + $searches
WITH u
CALL (u) {
  UNWIND $views AS view
  MERGE (v:SubjectView {key: view})
    ON CREATE SET v.day = $day, u.subjects = u.subjects + 1
  RETURN count(*) AS touched
}
RETURN u.searches AS searches, u.subjects AS subjects
