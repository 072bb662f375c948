-- TRUNCATE fires no row trigger, so the append-only guards of 001, 002 and 004 let it empty a
-- history table at once. A statement trigger refuses it on every append-only table.
CREATE TRIGGER plan_change_no_truncate BEFORE TRUNCATE ON plan_change
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER work_item_history_no_truncate BEFORE TRUNCATE ON work_item_history
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER signal_history_no_truncate BEFORE TRUNCATE ON signal_history
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER signal_ack_no_truncate BEFORE TRUNCATE ON signal_ack
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER import_run_no_truncate BEFORE TRUNCATE ON import_run
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();

-- The live event log is only ever appended to (SSE ids, latency figures): guard it as history.
CREATE TRIGGER event_log_append_only BEFORE UPDATE OR DELETE ON event_log
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER event_log_no_truncate BEFORE TRUNCATE ON event_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
