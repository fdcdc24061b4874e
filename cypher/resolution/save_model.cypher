// The model the graph was resolved with; real-time resolution scores with the current one.
MATCH (old:ResolutionModel {current: true}) WHERE old.model_version <> $model_version
SET old.current = false
WITH count(*) AS _
MERGE (m:ResolutionModel {model_version: $model_version})
  ON CREATE SET m.created_at = datetime(), m.json = $json, m.trained_on = $trained_on
SET m.current = true
