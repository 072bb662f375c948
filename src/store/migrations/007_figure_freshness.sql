-- Reality latency per figure: for every derived figure (milestone, KPI, initiative, objective),
-- the last change that moved it — when it changed at its source, when we received
-- it, and when its effect became visible (the write that derived it). The event log keeps the
-- whole history; this table answers "how old is this figure, and how late did it arrive" at once.
CREATE TABLE figure_freshness (
  kind text NOT NULL CHECK (kind IN ('milestone', 'kpi', 'initiative', 'objective')),
  id text NOT NULL,
  source_changed_at timestamptz,
  received_at timestamptz,
  visible_at timestamptz NOT NULL,
  PRIMARY KEY (kind, id)
);
