-- Baseline of the click day: the same hot transaction in plain SQL, on scratch tables of the clickday database.
-- A protocol counter row, a booking row with the same budget rule, and a submissions table whose rows are as
-- wide as what the application writes (status, protocol, amounts, key, a JSON snapshot).
DROP TABLE IF EXISTS pgb_submission, pgb_counter, pgb_booking;
CREATE TABLE pgb_counter (year smallint PRIMARY KEY, last_number integer NOT NULL DEFAULT 0);
CREATE TABLE pgb_booking (
    call_id integer PRIMARY KEY,
    budget numeric(14, 2) NOT NULL,
    booked numeric(14, 2) NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= budget)
);
CREATE TABLE pgb_submission (
    id bigserial PRIMARY KEY,
    application_id integer NOT NULL,
    protocol_year smallint NOT NULL,
    protocol_number integer NOT NULL,
    booking_outcome varchar(10) NOT NULL,
    booked_amount numeric(14, 2) NOT NULL,
    idempotency_key varchar(100) NOT NULL,
    submitted_at timestamptz NOT NULL,
    submitted_data jsonb NOT NULL,
    UNIQUE (protocol_year, protocol_number)
);
INSERT INTO pgb_counter VALUES (2099, 0);
INSERT INTO pgb_booking VALUES (1, :budget, 0);
