MATCH (m:ResolutionModel {current: true})
RETURN m.model_version AS model_version
ORDER BY m.created_at DESC LIMIT 1
