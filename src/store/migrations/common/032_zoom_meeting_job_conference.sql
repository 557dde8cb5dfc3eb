-- The conference a Zoom meeting write is owed for (issue 15: pending and
-- failed writes shown to the conference's administrators). A job outlives
-- its event (a delete of a deleted event's meeting) and its link row, so
-- the conference is kept on the job itself. Existing jobs take it from their
-- event's link, else from the schedule their event is in; a job of neither
-- (its event and link gone already) stays NULL and is listed nowhere, as
-- before.
ALTER TABLE zoom_meeting_jobs ADD COLUMN conference_id TEXT;
UPDATE zoom_meeting_jobs SET conference_id = (
  SELECT m.conference_id FROM conference_event_meetings m
  WHERE m.account_id = zoom_meeting_jobs.account_id AND m.event_id = zoom_meeting_jobs.event_id);
UPDATE zoom_meeting_jobs SET conference_id = (
  SELECT c.id FROM events e JOIN conferences c ON c.account_id = e.account_id AND c.calendar_id = e.calendar_id
  WHERE e.account_id = zoom_meeting_jobs.account_id AND e.id = zoom_meeting_jobs.event_id)
  WHERE conference_id IS NULL;
CREATE INDEX zoom_meeting_jobs_conference ON zoom_meeting_jobs (account_id, conference_id);
