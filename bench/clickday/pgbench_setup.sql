-- Baselines of the click day in plain SQL, on scratch tables of the clickday database, as wide as what the
-- application writes: the intake (the application row, its history row, one arrival) and the sequencer's
-- batch (counter, booking row, arrivals, applications, history and audit rows of a whole batch).
DROP TABLE IF EXISTS pgb_submission, pgb_counter, pgb_booking, pgb_application, pgb_history, pgb_arrival,
    pgb_audit;
CREATE TABLE pgb_counter (year smallint PRIMARY KEY, last_number integer NOT NULL DEFAULT 0);
CREATE TABLE pgb_booking (
    call_id integer PRIMARY KEY,
    budget numeric(14, 2) NOT NULL,
    booked numeric(14, 2) NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= budget)
);
CREATE TABLE pgb_application (
    id integer PRIMARY KEY,
    status varchar(30) NOT NULL DEFAULT 'draft',
    protocol_year smallint,
    protocol_number integer,
    booking_outcome varchar(10) NOT NULL DEFAULT '',
    booked_amount numeric(14, 2) NOT NULL DEFAULT 0,
    requested_grant numeric(14, 2) NOT NULL DEFAULT 50000,
    idempotency_key varchar(100) NOT NULL DEFAULT '',
    fingerprint varchar(64) NOT NULL DEFAULT '',
    submitted_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    submitted_data jsonb NOT NULL DEFAULT '{}'
);
CREATE TABLE pgb_history (
    history_id bigserial PRIMARY KEY,
    id integer NOT NULL,
    status varchar(30) NOT NULL,
    protocol_number integer,
    history_date timestamptz NOT NULL,
    history_change_reason varchar(100),
    submitted_data jsonb NOT NULL
);
CREATE TABLE pgb_arrival (
    id bigserial PRIMARY KEY,
    application_id integer NOT NULL,
    call_id integer NOT NULL,
    arrived_at timestamptz NOT NULL,
    sent_by integer NOT NULL,
    idempotency_key varchar(100) NOT NULL,
    fingerprint varchar(64) NOT NULL,
    sequenced_at timestamptz,
    protocol_year smallint,
    protocol_number integer,
    UNIQUE (protocol_year, protocol_number)
);
CREATE INDEX pgb_arrival_pending ON pgb_arrival (id) WHERE sequenced_at IS NULL;
CREATE TABLE pgb_audit (
    id bigserial PRIMARY KEY,
    timestamp timestamptz NOT NULL,
    actor_id integer,
    action varchar(100) NOT NULL,
    object_id varchar(64) NOT NULL,
    after jsonb NOT NULL
);
INSERT INTO pgb_counter VALUES (2099, 0);
INSERT INTO pgb_booking VALUES (1, :budget, 0);
INSERT INTO pgb_application (id) SELECT g FROM generate_series(1, :applications) g;
-- The sequencer's queue: arrivals waiting for their number (its pgbench consumes them in order).
INSERT INTO pgb_arrival (application_id, call_id, arrived_at, sent_by, idempotency_key, fingerprint)
SELECT g, 1, now(), g, 'k-' || g, md5(g::text) || md5(g::text) FROM generate_series(1, :applications) g;
VACUUM ANALYZE pgb_application, pgb_arrival;
