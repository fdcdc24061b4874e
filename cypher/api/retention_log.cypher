// What a retention run removed, kept in the graph next to the audit trail.
CREATE (r:RetentionRun {
  run_id: $run_id, at: datetime(), cutoff: $cutoff, policy_days: $policy_days,
  username: $username, dry_run: $dry_run, events_removed: $events_removed,
  records_removed: $records_removed, addresses_removed: $addresses_removed,
  persons_removed: $persons_removed, by_organisation: $by_organisation, log_file: $log_file
})
RETURN r.run_id AS run_id
