-- The incident a decision was opened for (docs/DECISIONS.md "Incidents"): a signal or an
-- incident with an open decision gives that decision back, and a decision opens by itself at
-- most once while its incident lasts.
ALTER TABLE decision ADD COLUMN incident_id text;
CREATE INDEX decision_incident ON decision (incident_id, seq);
