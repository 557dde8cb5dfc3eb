"""Reading Server-Sent Events in tests: a stream read by a thread into a
queue of (event, id, data) tuples, with comments (pings) counted."""
import json
import queue
import socket
import threading

import requests


def hang_up(resp):
    """closes a streamed response at once (closing it the polite way waits
    for the next event or ping to arrive)"""
    try:
        resp.raw._fp.fp.raw._sock.shutdown(socket.SHUT_RDWR)
    except (AttributeError, OSError):
        pass
    resp.close()


class Stream:
    def __init__(self, client, path, headers=None, timeout=30):
        self.events = queue.Queue()
        self.pings = 0
        self.ended = threading.Event()
        self.resp = client.request("GET", path, stream=True, timeout=(5, timeout), headers=headers or {})
        self.status = self.resp.status_code
        self.headers = self.resp.headers
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        ev, eid, data = "message", None, []
        try:
            for raw in self.resp.iter_lines(chunk_size=1, decode_unicode=True):
                line = raw if raw is not None else ""
                if line.startswith(":"):
                    self.pings += 1
                elif line == "":
                    if data:
                        self.events.put((ev, eid, json.loads("\n".join(data))))
                    ev, eid, data = "message", None, []
                elif line.startswith("event: "):
                    ev = line[7:]
                elif line.startswith("id: "):
                    eid = line[4:]
                elif line.startswith("data: "):
                    data.append(line[6:])
        except (requests.RequestException, ValueError):
            pass
        finally:
            self.ended.set()

    def next(self, timeout=10):
        """the next (event, id, data), or AssertionError when none comes in time"""
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no event within %s s" % timeout)

    def nothing(self, within=1.0):
        try:
            got = self.events.get(timeout=within)
        except queue.Empty:
            return True
        raise AssertionError("unexpected event %r" % (got,))

    def close(self):
        hang_up(self.resp)
