-- One submission: lock the booking row and book if the money is enough, take the next protocol number with
-- the counter row locked (last), insert the submission row; one transaction, as services.submit does.
\set app random(1, 1000000000)
BEGIN;
SELECT budget - booked AS available FROM pgb_booking WHERE call_id = 1 FOR UPDATE \gset
\if :available >= 50000
UPDATE pgb_booking SET booked = booked + 50000 WHERE call_id = 1;
\set amount 50000
\else
\set amount 0
\endif
UPDATE pgb_counter SET last_number = last_number + 1 WHERE year = 2099 RETURNING last_number AS protocol \gset
INSERT INTO pgb_submission (application_id, protocol_year, protocol_number, booking_outcome, booked_amount,
    idempotency_key, submitted_at, submitted_data)
VALUES (:app, 2099, :protocol, CASE WHEN :amount > 0 THEN 'booked' ELSE 'waiting' END, :amount, 'pgbench-' || :app, now(),
    '{"call": "clickday", "title": "Welfare di comunità", "budget": [{"category": "personale", "amount": "50000.00"}]}');
COMMIT;
