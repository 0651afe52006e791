-- One batch of the sequencer (services.sequencer.sequence_batch) in plain SQL: the batch lock, the next
-- :batch arrivals in order, gapless numbers from the counter, the booking row, the applications, their
-- history and audit rows; one commit. Run with -c 1 (one leader): arrivals/s = tps x :batch.
BEGIN;
SELECT pg_advisory_xact_lock(7);
UPDATE pgb_counter SET last_number = last_number + (:batch)::int WHERE year = 2099 RETURNING last_number AS last \gset
SELECT budget - booked AS available FROM pgb_booking WHERE call_id = 1 FOR UPDATE \gset
WITH batch AS (
    SELECT id, row_number() OVER (ORDER BY id) AS n FROM pgb_arrival
    WHERE sequenced_at IS NULL ORDER BY id LIMIT (:batch)::int
)
UPDATE pgb_arrival a SET sequenced_at = now(), protocol_year = 2099, protocol_number = (:last)::int - (:batch)::int + b.n
    FROM batch b WHERE a.id = b.id;
UPDATE pgb_application p SET status = 'submitted', protocol_year = 2099, protocol_number = a.protocol_number,
    booking_outcome = CASE WHEN p.requested_grant <= (:available)::numeric THEN 'booked' ELSE 'waiting' END,
    booked_amount = CASE WHEN p.requested_grant <= (:available)::numeric THEN p.requested_grant ELSE 0 END,
    updated_at = now()
    FROM pgb_arrival a WHERE a.application_id = p.id AND a.sequenced_at = now();
INSERT INTO pgb_history (id, status, protocol_number, history_date, history_change_reason, submitted_data)
    SELECT p.id, p.status, p.protocol_number, now(), 'Inviata', p.submitted_data
    FROM pgb_application p JOIN pgb_arrival a ON a.application_id = p.id WHERE a.sequenced_at = now();
INSERT INTO pgb_audit (timestamp, actor_id, action, object_id, after)
    SELECT now(), a.sent_by, 'application.submitted', a.application_id::text,
        jsonb_build_object('protocol', a.protocol_number, 'arrival', a.id)
    FROM pgb_arrival a WHERE a.sequenced_at = now();
UPDATE pgb_booking SET booked = LEAST(budget, booked + 0) WHERE call_id = 1;
COMMIT;
