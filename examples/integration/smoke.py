#!/usr/bin/env python3
"""A client of `asysta serve` in Python, standard library only.

Runs a family from refer to assign_assistant, meets a denial over the cap,
retries a firing with an Idempotency-Key and reads the calendar. The server
must run with a configuration lowering assistant.max_families to 1 (see
examples/integration/README.md).

    python3 smoke.py http://127.0.0.1:8080 TOKEN
"""
import json
import sys
import urllib.error
import urllib.request


class Client:
    def __init__(self, base, token):
        self.base, self.token = base.rstrip("/"), token

    def call(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.token)
        req.add_header("Accept-Language", "pl")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return res.status, dict(res.headers), json.loads(res.read())
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), json.loads(err.read())

    def fire(self, case, trigger, actor, role, on, args=None, headers=None):
        body = {"trigger": trigger, "actor": {"id": actor, "role": role}, "on": on}
        if args:
            body["args"] = args
        return self.call("POST", "/v1/cases/%s/fire" % case, body, headers)


def expect(what, status, want, body):
    if status != want:
        sys.exit("FAIL %s: status %d, want %d: %s" % (what, status, want, json.dumps(body, ensure_ascii=False)))
    print("ok   %s (%d)" % (what, status))


def main():
    c = Client(sys.argv[1], sys.argv[2])
    for wid, role in [("SW1", "social_worker"), ("H1", "ops_head"), ("A1", "family_assistant"), ("A2", "family_assistant")]:
        status, _, body = c.call("PUT", "/v1/workers/" + wid, {"role": role, "employer": "OPS1", "fte": 1})
        expect("register " + wid, status, 200, body)
    for fam in ["F1", "F2"]:
        status, _, body = c.call("PUT", "/v1/families/" + fam, {"difficulty": 1})
        expect("declare " + fam, status, 201, body)
        for trigger in ["refer", "complete_interview", "request_assistant", "give_consent"]:
            status, _, body = c.fire(fam, trigger, "SW1", "social_worker", "2025-03-03")
            expect("%s %s" % (fam, trigger), status, 200, body)
    status, _, body = c.fire("F1", "assign_assistant", "H1", "ops_head", "2025-03-05", {"assistant": "A1"})
    expect("F1 assign_assistant A1", status, 200, body)
    assert body["case"]["state"] == "assistant_work.planning", body

    status, _, body = c.fire("F2", "assign_assistant", "H1", "ops_head", "2025-03-05", {"assistant": "A1"})
    expect("F2 assign_assistant A1 over the cap", status, 422, body)
    assert body["code"] == "denied" and body["rules"][0]["id"] == "assistant.max_families", body
    print("     denied: " + body["rules"][0]["message"])

    key = {"Idempotency-Key": "smoke-F2-A2"}
    status, _, first = c.fire("F2", "assign_assistant", "H1", "ops_head", "2025-03-06", {"assistant": "A2"}, key)
    expect("F2 assign_assistant A2", status, 200, first)
    status, headers, again = c.fire("F2", "assign_assistant", "H1", "ops_head", "2025-03-06", {"assistant": "A2"}, key)
    expect("F2 assign_assistant A2, retried with the same Idempotency-Key", status, 200, again)
    assert again == first, "the retry must get the first response"
    assert headers.get("Idempotency-Replayed") == "true", headers

    status, _, entries = c.call("GET", "/v1/calendar?on=2025-09-06&until=2025-12-31")
    expect("calendar", status, 200, entries)
    got = sorted((e["case"], e["obligation"], e["worker"], e["overdue"]) for e in entries)
    want = [("F1", "family_assessment", "A1", True), ("F2", "family_assessment", "A2", False)]
    assert got == want, got
    for e in entries:
        print("     %s  %-4s %-20s %s%s" % (e["due"], e["case"], e["obligation"], e["worker"], "  PO TERMINIE" if e["overdue"] else ""))
    print("smoke: all calls answered as expected")


if __name__ == "__main__":
    main()
