"""HubClient: the workstation's HTTP client of the team hub (see ARCHITECTURE.md, sync).

Errors come in kinds a sync loop can act on: HubUnreachable (no answer, a cut, a 5xx:
retry later), AuthExpired (log in again), HubRejected (the hub refused the request with
a reason: retrying the same request will not help).
"""

from __future__ import annotations

import functools
import hashlib
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.log.events import EventRecord, verified_payload_json
from app.sync.trust import HubTrust, PinMismatch, TrustError

if TYPE_CHECKING:
    # httpx (with the rich/click CLI it loads) is 0.15 s of imports: loaded when a hub
    # client is first made, not when a workstation without a hub starts.
    import httpx

MAX_PUSH_EVENTS = 1000


class HubError(Exception):
    """Base of every error HubClient raises."""


class HubUnreachable(HubError):
    """The hub did not answer (connection refused or cut, timeout, 5xx): retry later."""


class DamagedTransfer(HubUnreachable):
    """A pulled event or blob did not hash to what it claims: nothing was used; retry later."""


class AuthExpired(HubError):
    """The token is missing, expired, revoked or unknown: log in again."""


class HubUntrusted(HubError, TrustError):
    """The hub cannot be trusted as configured: plain http:// to another machine, a
    certificate nobody here vouches for, or one that is not the pinned certificate.
    Retrying will not help; nothing of the request was sent."""


class HubRejected(HubError):
    """The hub refused the request (4xx); the reason says why."""

    def __init__(self, status: int, reason: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason
        self.body = body or {}


@dataclass(frozen=True)
class PulledPage:
    """One pull: the events (hashes checked), the next cursor, the limit asked for, and
    each event's payload as canonical JSON (what the store keeps) by event id."""

    events: list[EventRecord]
    cursor: int
    limit: int
    payload_json: dict[str, str]

    @property
    def full(self) -> bool:
        """As many events as asked for: more may follow."""
        return len(self.events) >= self.limit


@dataclass(frozen=True)
class HubUser:
    """Who a token belongs to, as the hub sees them."""

    username: str
    role: str
    team: str
    clearances: tuple[str, ...]


@dataclass(frozen=True)
class Login:
    """A successful login: the bearer token and its expiry (ISO 8601 UTC)."""

    token: str
    expires_at: str
    user: HubUser


@dataclass(frozen=True)
class Lease:
    """A case the hub leased to holder until expires_at (ISO 8601 UTC)."""

    case_id: str
    holder: str
    expires_at: str


class HubClient:
    """Typed calls to the hub API over one keep-alive HTTP connection pool."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        trust: HubTrust | None = None,
    ) -> None:
        self.token = token
        self.base_url = base_url
        self.last_receipt: dict[str, Any] | None = None
        trust = trust or HubTrust()
        try:
            trust.check_url(base_url)
            context = trust.ssl_context() or _tls_context()
        except TrustError as exc:
            raise HubUntrusted(str(exc)) from None
        import httpx

        self._http = httpx.Client(
            base_url=base_url, timeout=timeout, transport=transport, verify=context
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def login(self, username: str, password: str) -> Login:
        """Log in; the client then uses the new token. HubRejected(401) when refused."""
        body = {"username": username, "password": password}
        return self._login(self._json("POST", "/v1/auth/login", json=body, auth=False))

    def change_password(self, current: str, new: str) -> Login:
        """Change the token holder's own password; the hub revokes their tokens and hands
        this client a new one. HubRejected: 403 wrong current, 422 new breaks a rule, 429
        locked out after failed tries."""
        body = {"current": current, "new": new}
        return self._login(self._json("POST", "/v1/me/password", json=body))

    def _login(self, data: dict[str, Any]) -> Login:
        user = data["user"]
        self.token = data["token"]
        return Login(
            token=data["token"],
            expires_at=data["expires_at"],
            user=HubUser(user["username"], user["role"], user["team"], tuple(user["clearances"])),
        )

    def push(self, device_id: str, events: list[EventRecord]) -> dict[str, int]:
        """Send one batch of a device's events in device_seq order; event_id -> server_seq."""
        if len(events) > MAX_PUSH_EVENTS:
            raise ValueError(f"push at most {MAX_PUSH_EVENTS} events per call")
        body = {"device_id": device_id, "events": [e.to_wire() for e in events]}
        answer = self._json("POST", "/v1/events/push", json=body)
        # The hub's signed receipt of the device's chain head, kept by the sync engine.
        self.last_receipt = answer.get("receipt")
        acked: dict[str, int] = answer["acked"]
        return acked

    def receipt(self, device_id: str) -> dict[str, Any]:
        """The hub's signed receipt of a device's current chain head."""
        answer: dict[str, Any] = self._json("GET", f"/v1/receipts/{device_id}")
        return answer

    def pull(self, cursor: int, limit: int = 1000) -> tuple[list[EventRecord], int]:
        """Visible events after cursor (server_seq set, hashes checked) and the next cursor.

        The cursor may pass the last event returned (events hidden from this user); store
        it with the applied events and send it back as is.
        """
        page = self.pull_page(cursor, limit)
        return page.events, page.cursor

    def pull_page(self, cursor: int, limit: int = 1000) -> PulledPage:
        """`pull`, with the canonical payload JSON of each event that hashing produced."""
        params = {"cursor": cursor, "limit": limit}
        data = self._json("GET", "/v1/events/pull", params=params)
        events = [EventRecord.from_wire(e) for e in data["events"]]
        payloads: dict[str, str] = {}
        for event in events:
            text = verified_payload_json(event)
            if text is None:
                raise DamagedTransfer(f"event {event.event_id} does not match its hash")
            payloads[event.event_id] = text
        return PulledPage(events, int(data["cursor"]), limit, payloads)

    def put_blob(self, sha256: str, data: bytes) -> bool:
        """Upload media under its SHA-256 (proof that this person holds it); True when
        they had not uploaded it before."""
        headers = {"content-type": "application/octet-stream"}
        answer = self._json("PUT", f"/v1/blobs/{sha256}", content=data, headers=headers)
        return bool(answer["created"])

    def get_blob(self, sha256: str) -> bytes:
        """Media bytes, verified against their SHA-256 (DamagedTransfer otherwise)."""
        data = self._call("GET", f"/v1/blobs/{sha256}").content
        if hashlib.sha256(data).hexdigest() != sha256:
            raise DamagedTransfer(f"blob {sha256} arrived damaged")
        return data

    def lease(
        self,
        *,
        count: int | None = None,
        case_ids: list[str] | None = None,
        ttl: int = 3600,
        queue: str | None = None,
    ) -> tuple[list[Lease], list[str]]:
        """Lease count cases (or the case_ids given) for ttl seconds; (granted, refused)."""
        body = {"count": count, "case_ids": case_ids, "ttl_seconds": ttl, "queue": queue}
        data = self._json("POST", "/v1/leases", json=body)
        granted = [Lease(g["case_id"], g["holder"], g["expires_at"]) for g in data["granted"]]
        return granted, list(data["refused"])

    def release(self, case_id: str) -> bool:
        """Give a lease back; False when nobody held it."""
        return bool(self._json("DELETE", f"/v1/leases/{case_id}")["released"])

    def intake(self, cases: list[dict[str, Any]]) -> dict[str, Any]:
        """Bring cases in (media uploaded first); {"created": [...], "skipped": [...]}."""
        result: dict[str, Any] = self._json("POST", "/v1/intake", json={"cases": cases})
        return result

    def add_user(
        self, username: str, password: str, role: str, team: str, clearances: list[str]
    ) -> HubUser:
        """Create a user (leads only, in their own team)."""
        body = {
            "username": username,
            "password": password,
            "role": role,
            "team": team,
            "clearances": clearances,
        }
        data = self._json("POST", "/v1/users", json=body)
        return HubUser(data["username"], data["role"], data["team"], tuple(data["clearances"]))

    def disable_user(self, username: str) -> None:
        """Disable a user of the lead's team and revoke their tokens."""
        self._json("POST", f"/v1/users/{username}/disable")

    def lease_limits(self, team: str) -> dict[str, Any]:
        """The team's lease caps: {"team", "max_cases", "max_hours"}."""
        result: dict[str, Any] = self._json("GET", f"/v1/teams/{team}/lease-limits")
        return result

    def set_lease_limits(
        self, team: str, *, max_cases: int | None = None, max_hours: int | None = None
    ) -> dict[str, Any]:
        """Set the team's lease caps (leads only); the caps now in force."""
        body = {"max_cases": max_cases, "max_hours": max_hours}
        body = {k: v for k, v in body.items() if v is not None}
        result: dict[str, Any] = self._json("PUT", f"/v1/teams/{team}/lease-limits", json=body)
        return result

    def unlock_user(self, username: str) -> bool:
        """Lift a sign-in lockout of a user of the lead's team; whether one was in force."""
        return bool(self._json("POST", f"/v1/users/{username}/unlock")["unlocked"])

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._call(method, path, **kwargs).json()

    def _call(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        import httpx

        headers = dict(kwargs.pop("headers", None) or {})
        if auth and self.token is not None:
            headers["authorization"] = f"Bearer {self.token}"
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            untrusted = _certificate_problem(exc)
            if untrusted is not None:
                raise HubUntrusted(self._untrusted(untrusted)) from exc
            raise HubUnreachable(f"{method} {path}: {exc!r}") from exc
        _raise_for(response, auth)
        return response

    def _untrusted(self, problem: ssl.SSLCertVerificationError) -> str:
        if isinstance(problem, PinMismatch):
            return f"{self.base_url}: {problem}"
        reason = problem.verify_message or str(problem)
        return (
            f"{self.base_url} presented a certificate this workstation does not trust "
            f"({reason}); give its CA with --ca-file or pin it with --pin-sha256 "
            "(veil hub login)"
        )


def _certificate_problem(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate check that failed somewhere in exc's causes, if that is what failed."""
    seen: BaseException | None = exc
    for _ in range(16):  # an exception chain is short; never loop on a cyclic one
        if seen is None:
            break
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default verifying TLS context, built once per process (each costs ~40 ms)."""
    import httpx

    return httpx.create_ssl_context()


def _raise_for(response: httpx.Response, auth: bool) -> None:
    """Turn an error answer into the HubError a caller can act on."""
    if response.status_code < 400:
        return
    if response.status_code >= 500:
        raise HubUnreachable(f"hub error {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        body = {"detail": response.text[:200]}
    reason = str(body.get("detail", "")) if isinstance(body, dict) else str(body)
    if response.status_code == 401 and auth:
        raise AuthExpired(reason)
    raise HubRejected(response.status_code, reason, body if isinstance(body, dict) else None)
