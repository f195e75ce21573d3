#!/usr/bin/env python3
"""Sign a message with dkimpy (Debian's python3-dkim), the independent
signer the verdict's DKIM check is tested against.

usage: dkimpy_sign.py KEYFILE DOMAIN SELECTOR < message > signature-field

The message comes on standard input with CRLF line ends; the
DKIM-Signature field (folded, CRLF) goes to standard output. The private
key is a PEM file the test made a moment ago in a temporary directory.
"""
import sys

import dkim


def main():
    keyfile, domain, selector = sys.argv[1:4]
    with open(keyfile, "rb") as f:
        key = f.read()
    message = sys.stdin.buffer.read()
    sig = dkim.sign(
        message,
        selector.encode(),
        domain.encode(),
        key,
        canonicalize=(b"relaxed", b"simple"),
        include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"],
    )
    sys.stdout.buffer.write(sig)


if __name__ == "__main__":
    main()
