"""Drives a Graph server with Microsoft's official Graph beta SDK for Python
(msgraph-beta-sdk), as a real Graph client would, through the whole
personCertification resource of one user:

    list (must start empty) -> create 3 -> list with $top=1 through the SDK's
    PageIterator -> get -> PATCH rename -> PATCH {"description": null} ->
    delete -> get answers 404 itemNotFound -> list holds the other 2

Usage:
    .venv/bin/python graph_sdk.py --base-url http://127.0.0.1:PORT/beta --token TOKEN [--user UPN_OR_ID]

Without --user it works on /me; with it, on /users/{UPN_OR_ID}. The user's
certifications must be empty at the start (a fresh server). Prints one line per
step; on the first failure prints `graph_sdk: FAILED <step>: <why>` to stderr and
exits 1 (2 for bad arguments). Every request has a timeout and every step a
deadline, so it always ends.

The SDK is used in its stock configuration (GraphClientFactory's default
middleware and the SDK's own options) with only the host changed, so the server
sees exactly what Graph sees from it, including the doubled slash after the
version segment (`/beta//me/...`); graph_sdk_wire.md records every request. The
bearer token is sent only to the base URL's origin, and over plain http only to
a loopback host.
"""

import argparse
import asyncio
import datetime
import ipaddress
import sys
from typing import Any
from urllib.parse import urlsplit

import httpx
from kiota_abstractions.api_error import APIError
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph_beta import GraphRequestAdapter, GraphServiceClient
from msgraph_beta.generated.models.allowed_audiences import AllowedAudiences
from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError
from msgraph_beta.generated.models.person_certification import PersonCertification
from msgraph_beta.generated.users.item.profile.certifications.certifications_request_builder import (
    CertificationsRequestBuilder,
)
from msgraph_beta.graph_request_adapter import options as SDK_MIDDLEWARE_OPTIONS
from msgraph_core import APIVersion, GraphClientFactory, PageIterator

# Seconds. A request to a local server takes milliseconds; these only bound a hang.
REQUEST_TIMEOUT = 10.0
# The SDK's retry middleware may retry a 429/503/504 a few times; a step still ends.
STEP_DEADLINE = 30.0

# The three certifications created, as the create page's example writes them.
CERTIFICATIONS = [
    {
        "certification_id": "KB-1235466333663322",
        "display_name": "Marketing Blackbelt - Brand Management",
        "description": "Blackbelt in Marketing - Brand Management",
        "issuing_authority": "International Academy of Marketing Excellence",
        "issuing_company": "International Academy of Marketing Excellence",
        "issued_date": datetime.date(2019, 4, 2),
        "start_date": datetime.date(2019, 4, 2),
        "end_date": datetime.date(2029, 4, 1),
        "thumbnail_url": "https://iame.io/dfhdfdfd334.jpg",
        "web_url": "https://www.iame.io/blackbelt",
        "allowed_audiences": AllowedAudiences.Organization,
    },
    {
        "certification_id": "AZ-900",
        "display_name": "Azure Fundamentals",
        "description": "Cloud concepts, Azure services, security and pricing",
        "issuing_authority": "Microsoft",
    },
    {
        "certification_id": "PMP-2291",
        "display_name": "Project Management Professional",
        "description": "Leads and directs projects and teams",
        "issuing_company": "Project Management Institute",
        "issued_date": datetime.date(2021, 11, 30),
    },
]
# Every property the script sets, to compare what the server gives back.
COMPARED = sorted({name for fields in CERTIFICATIONS for name in fields})
NEW_NAME = "Marketing Blackbelt - Brand Management (renewed)"


class StepFailed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class StaticTokenProvider(AccessTokenProvider):
    """Gives one fixed token, and only for URLs on the base URL's origin.

    Kiota's bearer provider asks this for every request, the page iterator's
    nextLink requests included; an empty answer sends no Authorization header.
    The allowed-hosts validator compares host names only, so the scheme and port
    are checked here too.
    """

    def __init__(self, token: str, base_url: str) -> None:
        self._token = token
        self._origin = origin(base_url)
        self._validator = AllowedHostsValidator([self._origin[1]])

    async def get_authorization_token(self, uri: str, additional_authentication_context: dict[str, Any] = {}) -> str:
        if self._validator.is_url_host_valid(uri) and origin(uri) == self._origin:
            return self._token
        return ""

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self._validator


def graph_client(base_url: str, token: str) -> tuple[GraphServiceClient, GraphRequestAdapter, httpx.AsyncClient]:
    auth = BaseBearerTokenAuthenticationProvider(StaticTokenProvider(token, base_url))
    # What GraphClientFactory.create_with_default_middleware builds for a national
    # cloud (an http2 client whose base_url is `{host}/{version}`), with short timeouts.
    http = httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(REQUEST_TIMEOUT), http2=True)
    http = GraphClientFactory.create_with_default_middleware(
        api_version=APIVersion.beta, client=http, options=SDK_MIDDLEWARE_OPTIONS
    )
    adapter = GraphRequestAdapter(auth, client=http)
    return GraphServiceClient(request_adapter=adapter), adapter, http


def describe(error: BaseException) -> str:
    if isinstance(error, ODataError):
        main = error.error
        code = main.code if main else None
        message = main.message if main else None
        return f"HTTP {error.response_status_code}, error code {code!r}: {message}"
    if isinstance(error, APIError):
        return f"HTTP {error.response_status_code}: {error}"
    if isinstance(error, httpx.TimeoutException):
        return f"no answer within {REQUEST_TIMEOUT} s ({type(error).__name__})"
    return f"{type(error).__name__}: {error}"


def expect_fields(item: PersonCertification, expected: dict[str, Any], what: str) -> None:
    for name in COMPARED:
        got, want = getattr(item, name), expected.get(name)
        if isinstance(want, AllowedAudiences):
            # A flags enum: the SDK writes one member as a string and reads a list of members.
            want = [want]
        check(got == want, f"{what}: {name} is {got!r}, expected {want!r}")


class Walk:
    def __init__(self, certifications: CertificationsRequestBuilder, adapter: GraphRequestAdapter, base_url: str):
        self.certifications = certifications
        self.adapter = adapter
        self.base_origin = origin(base_url)
        self.created: list[tuple[str, dict[str, Any]]] = []

    async def list_empty(self) -> str:
        page = await self.certifications.get()
        check(page is not None, "the list answered no body")
        check(page.value == [], f"the collection is not empty at the start (a fresh server is needed): {page.value!r}")
        check(page.odata_next_link is None, f"an empty collection has an @odata.nextLink: {page.odata_next_link!r}")
        return "GET certifications: value is [], no @odata.nextLink"

    async def create(self, index: int) -> str:
        fields = CERTIFICATIONS[index]
        created = await self.certifications.post(PersonCertification(**fields))
        check(created is not None, "the create answered no body")
        check(bool(created.id), f"the created item has no id: {created.id!r}")
        check(created.id not in {known for known, _ in self.created}, f"the id {created.id!r} was given twice")
        expect_fields(created, fields, "the created item")
        self.created.append((created.id, fields))
        return f"POST certifications: id {created.id}, displayName {created.display_name!r}"

    async def list_paged(self, expected: list[tuple[str, dict[str, Any]]]) -> str:
        query = CertificationsRequestBuilder.CertificationsRequestBuilderGetQueryParameters(top=1)
        first = await self.certifications.get(RequestConfiguration(query_parameters=query))
        check(first is not None, "the list answered no body")
        iterator = PageIterator(first, self.adapter)
        seen: list[str] = []
        pages: list[int] = []
        problems: list[str] = []

        def visit(item: PersonCertification) -> bool:
            page = iterator.current_page
            if not pages or pages[-1] != id(page):
                pages.append(id(page))
                if len(page.value) > 1:
                    problems.append(f"page {len(pages)} holds {len(page.value)} items with $top=1")
                link = page.odata_next_link
                if link and not urlsplit(link).scheme:
                    problems.append(f"page {len(pages)}'s @odata.nextLink {link!r} is not an absolute URL")
                elif link and origin(link) != self.base_origin:
                    problems.append(f"page {len(pages)}'s @odata.nextLink {link!r} leaves the server")
            if item.id in seen:
                problems.append(f"the item {item.id!r} came twice")
            seen.append(item.id)
            # Stops a server that loops (a nextLink back to a page already seen).
            return not problems and len(seen) <= len(expected)

        await iterator.iterate(visit)
        check(not problems, "; ".join(problems))
        want = {item_id for item_id, _ in expected}
        check(len(seen) == len(expected), f"the page iterator saw {len(seen)} items, expected {len(expected)}: {seen}")
        check(set(seen) == want, f"the page iterator saw {sorted(seen)}, expected {sorted(want)}")
        check(len(pages) == len(expected), f"{len(pages)} pages, expected {len(expected)} of one item each")
        return f"GET certifications?$top=1 through PageIterator: {len(pages)} pages, each id once"

    async def get(self, index: int) -> str:
        item_id, fields = self.created[index]
        item = await self.certifications.by_person_certification_id(item_id).get()
        check(item is not None, "the get answered no body")
        check(item.id == item_id, f"asked for {item_id!r}, got {item.id!r}")
        expect_fields(item, fields, "the item read back")
        return f"GET certifications/{item_id}: every property as created"

    async def rename(self, index: int) -> str:
        item_id, fields = self.created[index]
        builder = self.certifications.by_person_certification_id(item_id)
        updated = await builder.patch(PersonCertification(display_name=NEW_NAME))
        fields = fields | {"display_name": NEW_NAME}
        check(updated is not None, "the PATCH answered no body (Graph answers 200 with the object)")
        check(updated.id == item_id, f"the PATCH answered the item {updated.id!r}, expected {item_id!r}")
        expect_fields(updated, fields, "the PATCH answer")
        expect_fields(await builder.get(), fields, "the item read back after the PATCH")
        self.created[index] = (item_id, fields)
        return f"PATCH certifications/{item_id} displayName: renamed, the rest kept"

    async def clear_description(self, index: int) -> str:
        item_id, fields = self.created[index]
        builder = self.certifications.by_person_certification_id(item_id)
        # The models never write a None property; additional_data is how the SDK sends an explicit null.
        updated = await builder.patch(PersonCertification(additional_data={"description": None}))
        fields = fields | {"description": None}
        check(updated is not None, "the PATCH answered no body (Graph answers 200 with the object)")
        expect_fields(updated, fields, "the PATCH answer")
        expect_fields(await builder.get(), fields, "the item read back after the PATCH")
        self.created[index] = (item_id, fields)
        return f"PATCH certifications/{item_id} description null: cleared, the rest kept"

    async def delete(self, index: int) -> str:
        item_id, _ = self.created[index]
        answer = await self.certifications.by_person_certification_id(item_id).delete()
        check(answer is None, f"the DELETE answered a body: {answer!r}")
        return f"DELETE certifications/{item_id}: done"

    async def get_deleted(self, index: int) -> str:
        item_id, _ = self.created[index]
        try:
            item = await self.certifications.by_person_certification_id(item_id).get()
        except ODataError as error:
            code = error.error.code if error.error else None
            check(error.response_status_code == 404, f"expected HTTP 404, got {describe(error)}")
            check(code == "itemNotFound", f"expected the error code 'itemNotFound', got {describe(error)}")
            return f"GET certifications/{item_id}: HTTP 404 itemNotFound, as expected"
        raise StepFailed(f"the deleted item is still there: GET answered it ({item.id if item else None!r})")


async def run(args: argparse.Namespace) -> int:
    client, adapter, http = graph_client(args.base_url, args.token)
    # In msgraph-beta-sdk 1.66 `me` is a method, not a property as in its docs.
    user = client.users.by_user_id(args.user) if args.user else client.me()
    walk = Walk(user.profile.certifications, adapter, args.base_url)
    steps = [
        ("list empty", walk.list_empty),
        *((f"create {n + 1}", lambda n=n: walk.create(n)) for n in range(len(CERTIFICATIONS))),
        ("list $top=1", lambda: walk.list_paged(walk.created)),
        ("get", lambda: walk.get(0)),
        ("rename", lambda: walk.rename(0)),
        ("clear description", lambda: walk.clear_description(0)),
        ("delete", lambda: walk.delete(0)),
        ("get deleted", lambda: walk.get_deleted(0)),
        ("list after delete", lambda: walk.list_paged(walk.created[1:])),
    ]
    where = f"/users/{args.user}" if args.user else "/me"
    print(f"graph_sdk: msgraph-beta-sdk drives {args.base_url} on {where}", flush=True)
    try:
        for name, step in steps:
            try:
                outcome = await asyncio.wait_for(step(), STEP_DEADLINE)
            except StepFailed as failure:
                return fail(name, str(failure))
            except asyncio.TimeoutError:
                return fail(name, f"not done within {STEP_DEADLINE} s")
            except Exception as error:  # what the SDK or the network raised: say which step and what
                return fail(name, describe(error))
            print(f"ok   {name}: {outcome}", flush=True)
    finally:
        await http.aclose()
    print(f"graph_sdk: all {len(steps)} steps passed", flush=True)
    return 0


def fail(step: str, why: str) -> int:
    print(f"graph_sdk: FAILED {step}: {why}", file=sys.stderr, flush=True)
    return 1


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base-url", required=True, help="the server's URL with its version, e.g. http://127.0.0.1:8080/beta"
    )
    parser.add_argument("--token", required=True, help="the bearer token to send")
    parser.add_argument("--user", help="work on /users/{UPN_OR_ID} instead of /me")
    args = parser.parse_args(argv)
    parts = urlsplit(args.base_url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or not parts.path.strip("/")
        or parts.query
        or parts.fragment
    ):
        parser.error(f"--base-url wants http(s)://HOST[:PORT]/VERSION, not {args.base_url!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        parser.error(f"--base-url: the token goes over plain http only to a loopback host, not {parts.hostname!r}")
    if not args.token or any(c.isspace() for c in args.token):
        parser.error("--token must be non-empty and without spaces")
    if args.user is not None and not args.user:
        parser.error("--user must not be empty")
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(run(parse_args(sys.argv[1:]))))
