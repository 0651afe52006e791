-- The intake of one submission (services.submission._intake), its durable part: the application's own row
-- locked and updated with the snapshot, its history row, one arrival row; one commit. No shared row.
\set app random(1, :applications)
BEGIN;
SELECT id FROM pgb_application WHERE id = :app FOR UPDATE;
UPDATE pgb_application SET status = 'received', submitted_at = now(), updated_at = now(),
    idempotency_key = 'pgbench-' || :app, fingerprint = md5(:app::text) || md5(:app::text),
    submitted_data = '{"call": "clickday", "title": "Welfare di comunità", "budget": [{"category": "personale", "amount": "50000.00"}]}'
    WHERE id = :app;
INSERT INTO pgb_history (id, status, history_date, history_change_reason, submitted_data)
    SELECT id, status, now(), 'Ricevuta, in protocollazione', submitted_data FROM pgb_application WHERE id = :app;
INSERT INTO pgb_arrival (application_id, call_id, arrived_at, sent_by, idempotency_key, fingerprint)
    VALUES (:app, 1, now(), :app, 'pgbench-' || :app, md5(:app::text) || md5(:app::text));
COMMIT;
