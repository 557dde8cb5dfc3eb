"""The benchmarks' calendar (bench/feed.sh and bench/caldav.sh): N events
spread over 90 days back and two years ahead, one in ten a weekly series,
subjects and descriptions of ordinary length, Europe/Paris; the same events
for the same N (seeded). usage: seed-calendar.py N OUT.ics"""
import datetime
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(42)
today = datetime.date.today()
lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//convene//bench//EN"]
for i in range(n):
    day = today + datetime.timedelta(days=rnd.randint(-85, 700))
    start = datetime.datetime(day.year, day.month, day.day, rnd.randint(7, 18), rnd.choice((0, 15, 30, 45)))
    lines += ["BEGIN:VEVENT", "UID:bench-%05d@example.test" % i, "DTSTAMP:20260101T000000Z",
              "DTSTART;TZID=Europe/Paris:" + start.strftime("%Y%m%dT%H%M%S"),
              "DURATION:PT%dM" % rnd.choice((30, 45, 60, 90)),
              "SUMMARY:Meeting %d about item %d" % (i, rnd.randint(1, 999)),
              "DESCRIPTION:Agenda: review the numbers\\, decide the next steps and assign owners.",
              "LOCATION:Room %d" % rnd.randint(1, 40)]
    if i % 10 == 0:
        lines.append("RRULE:FREQ=WEEKLY;COUNT=%d" % rnd.randint(2, 20))
    lines.append("END:VEVENT")
lines.append("END:VCALENDAR")
with open(out, "w") as f:
    f.write("\r\n".join(lines) + "\r\n")
