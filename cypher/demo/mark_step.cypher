// A step of `aim demo` has run on this graph for this town; the next load of another town
// clears the graph and with it these marks.
MERGE (s:DemoStep {town: $town, step: $step})
SET s.at = datetime()
