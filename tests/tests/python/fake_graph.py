"""A stand-in for Microsoft Graph's personCertification endpoints, for developing
graph_sdk.py and recording what Microsoft's Graph SDK sends. Not a test of the
project: the generated mock server is what the tests drive.

It serves, under one version segment (`/beta`), for one signed-in user:

    GET    /me/profile/certifications          list: $top, $skip, $count; absolute @odata.nextLink
    POST   /me/profile/certifications          201 with the created object
    GET    /me/profile/certifications/{id}     200, or 404 itemNotFound
    PATCH  /me/profile/certifications/{id}     absent keeps, null clears, server-set ignored; 200
    DELETE /me/profile/certifications/{id}     204, or 404 itemNotFound

and the same under `/users/{id or userPrincipalName}` for that user. As Graph
does, it accepts an empty path segment (`/beta//me/...`, what the SDK sends), reads
query options by their `$` names however they are encoded (`$top` or `%24top`),
and answers every error with `{"error": {"code", "message", "innerError"}}`.

Usage: python fake_graph.py [--bind HOST:PORT] [--token TOKEN] [--record FILE] [--fault NAME]...
Prints `listening on http://HOST:PORT` once ready. `--record FILE` appends one JSON
line per request: method, the request-target exactly as received, the headers in
the order and spelling received (the token's value masked), and the body. Each
`--fault` makes it misbehave in one way Graph does not, to check that graph_sdk.py
catches it (see FAULTS).
"""

import argparse
import json
import re
import sys
import threading
import uuid
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlencode

USER_ID = "db789417-4ccb-41d1-a0a9-47b01a09ea49"
USER_PRINCIPAL_NAME = "adele.vance@contoso.com"
USER_DISPLAY_NAME = "Adele Vance"
VERSION = "beta"
# Graph's own response content type.
JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
SERVER_SET = {"id", "createdDateTime", "createdBy", "lastModifiedDateTime", "lastModifiedBy"}
# Graph's default page size for this collection is not documented; any value works.
DEFAULT_PAGE_SIZE = 100
MAX_BODY = 1 << 20

FAULTS = {
    "ignore-top": "list returns every item and no @odata.nextLink",
    "relative-next-link": "@odata.nextLink is a path, not an absolute URL",
    "repeat-first-page": "@odata.nextLink always points at the first page",
    "foreign-next-link": "@odata.nextLink names another host (localhost for 127.0.0.1)",
    "keep-null": "PATCH reads an explicit null as absent",
    "no-delete": "DELETE answers 204 and keeps the item",
    "bad-error-code": "a missing item answers 404 with the code notFound",
}


class GraphError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def now():
    """Graph's DateTimeOffset form: seven fractional digits."""
    moment = datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}0Z"


class Store:
    """The signed-in user's certifications, in creation order."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = {}

    def create(self, body):
        item = {key: value for key, value in body.items() if key not in SERVER_SET and not key.startswith("@odata.")}
        stamp = now()
        who = {"user": {"displayName": USER_DISPLAY_NAME, "id": USER_ID}}
        item.update(
            {"id": str(uuid.uuid4()), "createdDateTime": stamp, "createdBy": who}
            | {"lastModifiedDateTime": stamp, "lastModifiedBy": who}
        )
        with self.lock:
            self.items[item["id"]] = item
        return dict(item)

    def page(self, skip, top):
        with self.lock:
            items = list(self.items.values())
        return [dict(item) for item in items[skip : skip + top]], len(items)

    def get(self, item_id):
        with self.lock:
            item = self.items.get(item_id)
        if item is None:
            raise not_found(item_id)
        return dict(item)

    def update(self, item_id, body, keep_null):
        with self.lock:
            item = self.items.get(item_id)
            if item is None:
                raise not_found(item_id)
            for key, value in body.items():
                if key in SERVER_SET or key.startswith("@odata."):
                    continue
                if value is None:
                    if not keep_null:
                        item.pop(key, None)
                else:
                    item[key] = value
            item["lastModifiedDateTime"] = now()
            return dict(item)

    def delete(self, item_id, keep):
        with self.lock:
            if item_id not in self.items:
                raise not_found(item_id)
            if not keep:
                del self.items[item_id]


def not_found(item_id):
    return GraphError(HTTPStatus.NOT_FOUND, "itemNotFound", f"No personCertification has the id '{item_id}'.")


def non_negative(name, text):
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise GraphError(
            HTTPStatus.BAD_REQUEST, "badRequest", f"Invalid value '{text}' for {name}: not a whole number."
        )
    return int(text)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-graph"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    def do_GET(self):
        self.handle_request("GET")

    def do_POST(self):
        self.handle_request("POST")

    def do_PATCH(self):
        self.handle_request("PATCH")

    def do_DELETE(self):
        self.handle_request("DELETE")

    def handle_request(self, method):
        # One handler serves every request of a kept-alive connection.
        self.request_id = str(uuid.uuid4())
        try:
            try:
                body_text = self.read_body()
            except GraphError:
                self.close_connection = True  # the unread body would be taken for the next request
                raise
            self.record(method, body_text)
            self.check_token()
            status, payload = self.route(method, body_text)
        except GraphError as error:
            status, payload = error.status, self.error_body(error)
        self.respond(status, payload)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise GraphError(HTTPStatus.LENGTH_REQUIRED, "lengthRequired", "Send the body with Content-Length.")
        length = self.headers.get("Content-Length")
        if length is None:
            return None
        if not length.isdigit() or int(length) > MAX_BODY:
            raise GraphError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "requestTooLarge", "Bad or too large body.")
        return self.rfile.read(int(length)).decode("utf-8", errors="replace")

    def record(self, method, body_text):
        if self.server.record is None:
            return
        headers = []
        for name, value in self.headers.items():
            if name.lower() == "authorization":
                value = re.sub(r"^(\S+\s+).*$", r"\1<token>", value)
            headers.append([name, value])
        entry = {"method": method, "target": self.path, "version": self.request_version, "headers": headers}
        entry["body"] = body_text
        with self.server.record_lock:
            self.server.record.write(json.dumps(entry) + "\n")
            self.server.record.flush()

    def check_token(self):
        if self.headers.get("Authorization") != f"Bearer {self.server.token}":
            raise GraphError(HTTPStatus.UNAUTHORIZED, "InvalidAuthenticationToken", "Access token is empty or invalid.")

    def route(self, method, body_text):
        raw_path, _, raw_query = self.path.partition("?")
        # Graph ignores empty segments: the SDK's stock configuration sends `/beta//me/...`.
        segments = [unquote(segment) for segment in raw_path.split("/") if segment]
        if segments[:1] != [VERSION]:
            raise GraphError(HTTPStatus.NOT_FOUND, "BadRequest", f"Unsupported API version in '{raw_path}'.")
        rest = segments[1:]
        if rest[:1] == ["me"]:
            rest = rest[1:]
        elif rest[:1] == ["users"] and len(rest) >= 2:
            if rest[1] not in (USER_ID, USER_PRINCIPAL_NAME):
                raise GraphError(HTTPStatus.NOT_FOUND, "Request_ResourceNotFound", f"User '{rest[1]}' does not exist.")
            rest = rest[2:]
        else:
            raise GraphError(HTTPStatus.BAD_REQUEST, "BadRequest", f"Resource not found for the segment '{raw_path}'.")
        if rest[:2] != ["profile", "certifications"] or len(rest) > 3:
            raise GraphError(HTTPStatus.BAD_REQUEST, "BadRequest", f"Resource not found for the segment '{raw_path}'.")
        query = self.query_options(raw_query)
        store, faults = self.server.store, self.server.faults
        if len(rest) == 2:
            if method == "GET":
                return HTTPStatus.OK, self.list_page(raw_path, query)
            if method == "POST":
                return HTTPStatus.CREATED, self.with_context(store.create(self.json_object(body_text)), entity=True)
        else:
            item_id = rest[2]
            if query:
                raise GraphError(
                    HTTPStatus.BAD_REQUEST, "BadRequest", f"Query options {sorted(query)} not supported here."
                )
            if method == "GET":
                return HTTPStatus.OK, self.with_context(store.get(item_id), entity=True)
            if method == "PATCH":
                updated = store.update(item_id, self.json_object(body_text), keep_null="keep-null" in faults)
                return HTTPStatus.OK, self.with_context(updated, entity=True)
            if method == "DELETE":
                store.delete(item_id, keep="no-delete" in faults)
                return HTTPStatus.NO_CONTENT, None
        raise GraphError(HTTPStatus.METHOD_NOT_ALLOWED, "BadRequest", f"{method} is not supported on '{raw_path}'.")

    def query_options(self, raw_query):
        """The query options by their `$` names, whether sent as `$top` or `%24top`."""
        options = {}
        for name, value in parse_qsl(raw_query, keep_blank_values=True, strict_parsing=False):
            if name in options:
                raise GraphError(HTTPStatus.BAD_REQUEST, "BadRequest", f"Query option '{name}' is given twice.")
            options[name] = value
        unknown = sorted(set(options) - {"$top", "$skip", "$count"})
        if unknown:
            # Never silently ignored: an option this stand-in does not implement is an error.
            raise GraphError(HTTPStatus.BAD_REQUEST, "BadRequest", f"Query options {unknown} are not supported.")
        return options

    def list_page(self, raw_path, query):
        faults = self.server.faults
        skip = non_negative("$skip", query.get("$skip", "0"))
        top = non_negative("$top", query["$top"]) if "$top" in query else DEFAULT_PAGE_SIZE
        count_wanted = query.get("$count", "false")
        if count_wanted not in ("true", "false"):
            raise GraphError(HTTPStatus.BAD_REQUEST, "BadRequest", f"Invalid value '{count_wanted}' for $count.")
        if "ignore-top" in faults:
            skip, top = 0, 1 << 30
        items, total = self.server.store.page(skip, top)
        page = {"@odata.context": self.context_url(entity=False)}
        if count_wanted == "true":
            page["@odata.count"] = total
        if skip + len(items) < total:
            next_skip = 0 if "repeat-first-page" in faults else skip + len(items)
            next_query = {key: value for key, value in query.items() if key != "$skip"} | {"$skip": str(next_skip)}
            # Built from the request's own path, so it follows the same route; `$` stays literal, as Graph writes it.
            link = raw_path + "?" + urlencode(next_query, safe="$")
            host = self.host()
            if "foreign-next-link" in faults:
                host = host.replace("127.0.0.1", "localhost")
            page["@odata.nextLink"] = link if "relative-next-link" in faults else f"http://{host}{link}"
        page["value"] = items
        return page

    def json_object(self, body_text):
        content_type = self.headers.get("Content-Type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise GraphError(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "BadRequest", f"Content-Type '{content_type}' is not JSON."
            )
        try:
            body = json.loads(body_text or "")
        except json.JSONDecodeError as error:
            raise GraphError(HTTPStatus.BAD_REQUEST, "BadRequest", f"The body is not JSON: {error}.") from None
        if not isinstance(body, dict):
            raise GraphError(HTTPStatus.BAD_REQUEST, "BadRequest", "The body is not a JSON object.")
        return body

    def host(self):
        return self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])

    def context_url(self, entity):
        suffix = "/$entity" if entity else ""
        return f"http://{self.host()}/{VERSION}/$metadata#users('{quote(USER_ID)}')/profile/certifications{suffix}"

    def with_context(self, item, entity):
        return {"@odata.context": self.context_url(entity)} | item

    def error_body(self, error):
        code = error.code
        if code == "itemNotFound" and "bad-error-code" in self.server.faults:
            code = "notFound"
        inner = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"), "request-id": self.request_id}
        if "client-request-id" in self.headers:
            inner["client-request-id"] = self.headers["client-request-id"]
        return {"error": {"code": code, "message": error.message, "innerError": inner}}

    def respond(self, status, payload):
        self.send_response(status)
        self.send_header("request-id", self.request_id)
        if "client-request-id" in self.headers:
            self.send_header("client-request-id", self.headers["client-request-id"])
        if status == HTTPStatus.UNAUTHORIZED:
            self.send_header("WWW-Authenticate", 'Bearer realm="", error="invalid_token"')
        if payload is None:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps(payload).encode("utf-8")
        self.send_header("Content-Type", JSON)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main(argv):
    parser = argparse.ArgumentParser(description="A stand-in for Graph's personCertification endpoints.")
    parser.add_argument("--bind", default="127.0.0.1:0", help="HOST:PORT to listen on (port 0 picks a free one)")
    parser.add_argument("--token", default="alice", help="the one bearer token accepted (default: alice)")
    parser.add_argument("--record", help="append one JSON line per request to this file")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        choices=sorted(FAULTS),
        help="misbehave: " + "; ".join(f"{name}: {what}" for name, what in FAULTS.items()),
    )
    args = parser.parse_args(argv)
    host, _, port = args.bind.rpartition(":")
    if not host or not port.isdigit():
        parser.error(f"--bind wants HOST:PORT, not '{args.bind}'")
    server = ThreadingHTTPServer((host.strip("[]"), int(port)), Handler)
    server.daemon_threads = True
    server.token = args.token
    server.store = Store()
    server.faults = set(args.fault)
    server.record = open(args.record, "a", encoding="utf-8") if args.record else None
    server.record_lock = threading.Lock()
    print(f"listening on http://{host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
