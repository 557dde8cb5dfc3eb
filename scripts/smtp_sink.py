#!/usr/bin/python3
"""A local SMTP sink for tests: accepts every message and writes it as one
file per message (NNNNNN.eml) into a directory. Usage: smtp_sink.py PORT DIR"""
import asyncio
import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        path = os.path.join(self.outdir, "%06d.eml" % self.n)
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, path)
        return "250 Message accepted for delivery"


def main():
    port, outdir = int(sys.argv[1]), sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    c = Controller(Sink(outdir), hostname="127.0.0.1", port=port)
    c.start()
    print("smtp sink on 127.0.0.1:%d -> %s" % (port, outdir), flush=True)
    try:
        asyncio.new_event_loop().run_forever()
    finally:
        c.stop()


if __name__ == "__main__":
    main()
