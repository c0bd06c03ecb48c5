-- 0003_schedule_claims: a due slot of a schedule is claimed by one bot process before it
-- posts, so that processes sharing the database post it once (issue 14). claimed_by names
-- the process; claim_until is when its lease runs out: a slot whose holder died is taken
-- over after that. Completing a run clears both.

ALTER TABLE schedules
    ADD COLUMN claimed_by text,
    ADD COLUMN claim_until timestamptz,
    ADD CONSTRAINT schedules_claim_whole CHECK ((claimed_by IS NULL) = (claim_until IS NULL));
