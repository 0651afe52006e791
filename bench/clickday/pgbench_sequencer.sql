-- One batch of the sequencer (services.sequencer.sequence_batch) in plain SQL: the batch lock, the next
-- :batch arrivals in order, gapless numbers from the counter, the booking row, then the arrivals, the
-- applications (by primary key, as the ORM's bulk_update does), their history and audit rows; one commit.
-- Run with -c 1 (one leader): arrivals/s = tps x :batch.
BEGIN;
SELECT pg_advisory_xact_lock(7);
UPDATE pgb_counter SET last_number = last_number + (:batch)::int WHERE year = 2099 RETURNING last_number AS last \gset
SELECT budget - booked AS available FROM pgb_booking WHERE call_id = 1 FOR UPDATE \gset
WITH batch AS (
    SELECT id, row_number() OVER (ORDER BY id) AS n FROM pgb_arrival
    WHERE sequenced_at IS NULL ORDER BY id LIMIT (:batch)::int
), numbered AS (
    UPDATE pgb_arrival a SET sequenced_at = now(), protocol_year = 2099,
        protocol_number = (:last)::int - (:batch)::int + b.n
    FROM batch b WHERE a.id = b.id
    RETURNING a.id, a.application_id, a.protocol_number, a.sent_by
), applications AS (
    UPDATE pgb_application p SET status = 'submitted', protocol_year = 2099, protocol_number = n.protocol_number,
        booking_outcome = CASE WHEN p.requested_grant <= (:available)::numeric THEN 'booked' ELSE 'waiting' END,
        booked_amount = CASE WHEN p.requested_grant <= (:available)::numeric THEN p.requested_grant ELSE 0 END,
        updated_at = now()
    FROM numbered n WHERE p.id = n.application_id
    RETURNING p.id, p.status, p.protocol_number, p.submitted_data
), history AS (
    INSERT INTO pgb_history (id, status, protocol_number, history_date, history_change_reason, submitted_data)
    SELECT id, status, protocol_number, now(), 'Inviata', submitted_data FROM applications
)
INSERT INTO pgb_audit (timestamp, actor_id, action, object_id, after)
SELECT now(), sent_by, 'application.submitted', application_id::text,
    jsonb_build_object('protocol', protocol_number, 'arrival', id)
FROM numbered;
UPDATE pgb_booking SET booked = LEAST(budget, booked + 0) WHERE call_id = 1;
COMMIT;
