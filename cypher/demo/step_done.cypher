// Whether a step of `aim demo` (load, resolve, alerts) has run on this graph for this town.
// The mark lives in the graph, not beside the town's files, so a graph emptied since
// (aim db reset, a test run) is built again.
OPTIONAL MATCH (s:DemoStep {town: $town, step: $step})
RETURN s IS NOT NULL AS done
