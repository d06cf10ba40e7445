#!/usr/bin/env python3
"""The zeep walkthrough of pymetrics' V3 guide ("Walkthrough" and "Refreshing A Session"; docs/vendors/pymetrics.md#sources),
run against the pymetrics sandbox.

Proves an independent SOAP client accepts our WSDL. Never sleeps for hours: between polls it asks the sandbox's
/_sandbox control API to move the candidate on. Prints one JSON summary line; exits non-zero on any failure.

Usage: PYM_CLIENT_SECRET=... zeep_walkthrough.py WSDL_URL SANDBOX_URL CLIENT_ID
Deviations from the guide's text, each because the guide contradicts its own method table:
- `client.service.request_assessment_order` (the WSDL operation; its body element is `request_assessment`);
- `get_bulk_status` / `get_bulk_results` with `order_ids` instead of `get_status` / `get_results`, `order_id` not `order.id`;
- echo carries the RequestHeader: the method table says Echo needs authentication.
"""
import json
import os
import sys
import urllib.request

from zeep import Client, xsd
from zeep.exceptions import Fault
from zeep.helpers import serialize_object

wsdl_url, sandbox_url, client_id = sys.argv[1:4]
client_secret = os.environ["PYM_CLIENT_SECRET"]


def sandbox(path, body=None):
    req = urllib.request.Request(
        sandbox_url + path,
        data=json.dumps(body or {}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.loads(res.read())


# 1. Begin by creating a client with the WSDL provided by pymetrics
client = Client(wsdl_url)

# 2. Authenticate (the result is an object with .session_id, as public zeep code reads it)
session_id = client.service.authenticate(client_id, client_secret).session_id


def make_header(session_id):
    # 3. The guide's header factory, verbatim: children in the .../v3/wsdl/ namespace
    header_factory = xsd.Element(
        "{pym.intg.ws.3.0.0}RequestHeader",
        xsd.ComplexType([
            xsd.Element("{https://www.pymetrics.com/integrations/webservice/v3/wsdl/}client_id", xsd.String()),
            xsd.Element("{https://www.pymetrics.com/integrations/webservice/v3/wsdl/}session_id", xsd.String()),
        ]),
    )
    return header_factory(client_id=client_id, session_id=session_id)


header = make_header(session_id)

# 4. Ensure that the service is up and running
echo = client.service.echo("Hello World!", _soapheaders=[header])
assert echo == "Hello World!", echo

# 5. Request an assessment order
aor = client.get_type("{integrations.webservice.ws_models}AssessmentOrderRequest")()
aor.first_name = "John"
aor.last_name = "Smith"
aor.email = "john.smith@example.com"
aor.external_id = "ATS-ID-0001"
aor.assessment_id = 33
aor.application_locale = "en"
order = client.service.request_assessment_order(aor, _soapheaders=[header])
assert order.success is True, order
order_id = order.order_id


def get_status():
    statuses = client.service.get_bulk_status(order_ids={"integer": [order_id]}, _soapheaders=[header])
    return statuses[0].status


# 6. Poll the assessment order status until it becomes COMPLETED
seen = [get_status()]
steps = iter(["accept", "register", "start", "complete"])
while seen[-1] != "COMPLETED":
    sandbox("/_sandbox/orders/%s/advance" % order_id, {"step": next(steps)})  # instead of time.sleep(3 hours)
    seen.append(get_status())

# Refreshing a session: the sandbox ends every session, the next call faults with the documented text
sandbox("/_sandbox/sessions/expire")
try:
    get_status()
    raise AssertionError("expected the session-expired fault")
except Fault as fault:
    expired_message = fault.message
session_id = client.service.authenticate(client_id, client_secret).session_id
header = make_header(session_id)
after_renewal = get_status()

results = serialize_object(client.service.get_bulk_results(order_ids={"integer": [order_id]}, _soapheaders=[header]))


def records(node):
    if isinstance(node, list):
        for item in node:
            yield from records(item)
    elif isinstance(node, dict):
        if "fitscore" in node:
            yield node
        else:
            for value in node.values():
                yield from records(value)


report = client.service.get_report(order_id, _soapheaders=[header])
print(json.dumps({
    "echo": echo,
    "order_id": order_id,
    "assessment_url": order.assessment_url,
    "statuses": seen,
    "expired_message": expired_message,
    "after_renewal": after_renewal,
    "results": [
        {"order_id": r["order_id"], "fitscore": r["fitscore"], "band": r["band"], "passed": r["passed"]}
        for r in records(results)
    ],
    "report_url": report,  # docs/vendors/pymetrics.md#report: "It will return a string, which is a URL"
}))
