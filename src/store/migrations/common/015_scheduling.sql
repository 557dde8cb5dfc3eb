-- CalDAV scheduling (issue 4, RFC 6638): what a room does with a meeting it
-- cannot take (a booking conflict or another of its rules). 'refuse': the
-- write fails (409 booking-conflict) and nothing is stored, as before;
-- 'decline': the meeting is stored without the room, whose ATTENDEE answers
-- PARTSTAT=DECLINED with a SCHEDULE-STATUS and a COMMENT naming the reason.
ALTER TABLE rooms ADD COLUMN on_conflict TEXT NOT NULL DEFAULT 'refuse';

-- Schedule inboxes (RFC 6638 section 2.2): the invitations (METHOD:REQUEST)
-- and cancellations (METHOD:CANCEL) delivered to a user by organizers of
-- the same account, one message per recipient and UID (a newer one replaces
-- it), until the recipient deletes it. ical is the whole VCALENDAR as
-- delivered; name is its resource name in the inbox.
CREATE TABLE schedule_inbox (
  account_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  uid TEXT NOT NULL,
  method TEXT NOT NULL,
  ical TEXT NOT NULL,
  etag TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, user_id, name),
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);
CREATE INDEX schedule_inbox_uid ON schedule_inbox (account_id, user_id, uid);
