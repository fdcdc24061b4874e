// What a retention run removed (counts only), kept in the graph next to the audit trail.
CREATE (r:RetentionRun {
  run_id: $run_id, at: datetime(), cutoff: $cutoff, policy_days: $policy_days,
  username: $username, dry_run: false, by_organisation: $by_organisation, log_file: $log_file
})
SET r += $removed
RETURN r.run_id AS run_id
