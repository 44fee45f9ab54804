"""Validates the Open Civic Data export of every public body of a running
service against the JSON Schemas of pupa, with pupa's own validator
(`BaseModel.validate`: Draft 3 with its date types and its `uri` format), and
checks that the addresses the export names under the service answer 200.
Prints every failure; exits 1 if there is any.

    python ocd-pupa.py BASE_URL
"""

import json
import sys
import urllib.error
import urllib.request

from pupa.scrape.base import BaseModel
from pupa.scrape.schemas.event import schema as event_schema
from pupa.scrape.schemas.organization import schema as organization_schema
from pupa.scrape.schemas.vote_event import schema as vote_event_schema
from pupa.exceptions import ScrapeValueError

BODIES = "{ bodies(first: 100) { edges { node { slug } } } }"


class Exported:
    """One exported object, as pupa's validator sees a scraped one."""

    def __init__(self, schema, data):
        self._schema = schema
        self._id = data.get("id", "?")
        self._data = data

    def as_dict(self):
        return self._data


def fetch(url, body=None):
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=30) as r:
        return r.status, r.read()


def main(base_url):
    failures = []
    _, answer = fetch(base_url + "/graphql", {"query": BODIES})
    slugs = [e["node"]["slug"] for e in json.loads(answer)["data"]["bodies"]["edges"]]
    if not slugs:
        failures.append("the demo has no public body")
    checked = 0
    links = set()
    for slug in slugs:
        _, raw = fetch(f"{base_url}/ocd/{slug}.json")
        export = json.loads(raw)
        objects = [("organization", organization_schema, export["organization"])]
        objects += [("event", event_schema, e) for e in export["events"]]
        objects += [("vote event", vote_event_schema, v) for v in export["vote_events"]]
        for kind, schema, data in objects:
            checked += 1
            try:
                BaseModel.validate(Exported(schema, data))
            except ScrapeValueError as error:
                failures.append(f"{slug}: {kind} {data.get('id')}: {error}")
            for source in data.get("sources", []):
                links.add(source["url"])
            for document in data.get("documents", []):
                links.update(link["url"] for link in document.get("links", []))
    for url in sorted(u for u in links if u.startswith(base_url + "/")):
        try:
            status, _ = fetch(url)
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            failures.append(f"{url} answers {status}")
    for failure in failures:
        print("FAIL", failure)
    print(f"{len(slugs)} bodies, {checked} objects, {len(links)} addresses checked; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1].rstrip("/")))
