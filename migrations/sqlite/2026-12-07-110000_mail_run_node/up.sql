-- The node that wrote each mail run (its host name and data folder): on several nodes, the
-- temporary file of an interrupted run is on the node that wrote it, and only that node may
-- finish it — another node finds neither file in its own folder and must not report the run's
-- letters as needing to be printed again. NULL: a run from before (one node).
ALTER TABLE mail_runs ADD COLUMN node TEXT;
