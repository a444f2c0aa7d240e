"""Verifies a real Synaptiq delivery with the official Standard Webhooks library.

    python3 verify_standard.py BODY_FILE HEADERS_JSON_FILE   with SECRET in the environment.

Exit 0: verified; 1: rejected; 3: the library is missing (pip install standardwebhooks).
"""

import json
import os
import sys

try:
    from standardwebhooks import Webhook
except ImportError as err:
    print(f"standardwebhooks is not installed ({err}): pip install standardwebhooks", file=sys.stderr)
    sys.exit(3)


def main() -> int:
    body_file, headers_file = sys.argv[1], sys.argv[2]
    with open(body_file, "rb") as f:
        body = f.read()
    with open(headers_file, encoding="utf-8") as f:
        headers = json.load(f)
    try:
        Webhook(os.environ["SECRET"]).verify(body, headers)
    except Exception as err:  # noqa: BLE001 - any failure is a rejection
        print(f"rejected: {err!r}", file=sys.stderr)
        return 1
    print("verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
