-- Nothing to change: SQLite has no exclusion constraints. Overlaps are
-- checked inside the write transaction (BEGIN IMMEDIATE, under the process's
-- writer lock), which no other writer can interleave with.
SELECT 1;
