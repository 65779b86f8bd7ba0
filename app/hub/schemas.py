"""Request and response bodies of the hub API (they also make /openapi.json)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.log.fields import SEVERITY_MAX, SEVERITY_MIN, TEXT_MAX, time_problem

# The hex digest as app/log/fields.py spells it, in a form the API's validator also runs.
SHA256_PATTERN = r"^[0-9a-f]{64}$"
MAX_PUSH_EVENTS = 1000
MAX_PULL_LIMIT = 5000
MAX_INTAKE_CASES = 1000
MAX_LEASE_CASES = 500
MAX_LEASE_TTL = 7 * 24 * 3600


class UserInfo(BaseModel):
    """A user as the API shows it (never the password hash)."""

    username: str
    role: str
    team: str
    clearances: list[str]


class LoginRequest(BaseModel):
    """Credentials for POST /v1/auth/login."""

    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class LoginResponse(BaseModel):
    """A bearer token, its expiry (ISO 8601 UTC) and who it belongs to."""

    token: str
    expires_at: str
    user: UserInfo


class NewUser(UserInfo):
    """POST /v1/users: a user to create, with an initial password."""

    password: str = Field(max_length=1024)


class PasswordChange(BaseModel):
    """POST /v1/me/password: the caller's current password, and the new one."""

    current: str = Field(max_length=1024)
    new: str = Field(max_length=1024)


class PushRequest(BaseModel):
    """One device's events (EventRecord.to_wire dicts) in device_seq order."""

    device_id: str = Field(min_length=1, max_length=64)
    events: list[dict[str, Any]]


class PushResponse(BaseModel):
    """server_seq of every event of the batch, and the device's last stored device_seq."""

    acked: dict[str, int]
    last_device_seq: int
    # The hub's signed receipt of the device's chain head (app/evidence/receipts.py), when
    # the hub has a signing key.
    receipt: dict[str, Any] | None = None


class PullResponse(BaseModel):
    """Visible events after the cursor (with server_seq) and the cursor to pass next."""

    events: list[dict[str, Any]]
    cursor: int


def _real_time(value: str) -> str:
    problem = time_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _lower_hex(value: str) -> str:
    # `$` in the pattern admits one trailing newline; a digest has exactly 64 characters.
    if len(value) != 64:
        raise ValueError("a SHA-256 digest is 64 lowercase hex digits")
    return value


# The same rules as app/log/fields.py's Time and Sha256 (a real moment; 64 hex digits).
TimeText = Annotated[str, AfterValidator(_real_time)]
Sha256Text = Annotated[str, Field(pattern=SHA256_PATTERN), AfterValidator(_lower_hex)]


class PHash(BaseModel):
    """A 64-bit perceptual hash of one frame of a media item."""

    frame: int = Field(ge=0)
    hash: str = Field(max_length=64)


class MediaRef(BaseModel):
    """One media item of a case, uploaded beforehand as a blob."""

    sha256: Sha256Text
    kind: str = Field(max_length=32)
    mime: str = Field(max_length=128)
    filename: str = Field(max_length=255)
    size: int = Field(ge=0)
    phash: list[PHash] = []


class CaseSpec(BaseModel):
    """A case as intake brings it in; also the payload of a case.ingested event.

    Its rules are the typed payload's (app/review/kinds.py CaseIngested, on the field types
    of app/log/fields.py), plus what a workstation's intake requires: `reported_at`, the
    moment the report came in, from which the case's SLA is measured.
    """

    model_config = ConfigDict(extra="ignore")

    external_id: str = Field(min_length=1, max_length=255)
    category: str = Field(min_length=1, max_length=64)
    subcategory: str | None = Field(default=None, max_length=64)
    severity: int = Field(ge=SEVERITY_MIN, le=SEVERITY_MAX)
    queue: str = Field(default="default", min_length=1, max_length=64)
    team: str | None = Field(default=None, max_length=64)
    clearance: str | None = Field(default=None, max_length=64)
    title: str = Field(default="", max_length=TEXT_MAX)
    report_reason: str = Field(default="", max_length=TEXT_MAX)
    text: str = Field(default="", max_length=TEXT_MAX)
    reported_at: TimeText
    report_count: int = Field(default=1, ge=0)
    sla_started_at: TimeText | None = None
    sla_deadline: TimeText | None = None
    media: list[MediaRef] = []


class IntakeRequest(BaseModel):
    """POST /v1/intake: cases whose media are already stored as blobs."""

    cases: list[CaseSpec] = Field(max_length=MAX_INTAKE_CASES)


class IntakeCreated(BaseModel):
    """One case intake created."""

    external_id: str
    case_id: str
    event_id: str
    server_seq: int


class IntakeResponse(BaseModel):
    """Created cases, and external_ids skipped because the team already has them."""

    created: list[IntakeCreated]
    skipped: list[str]


class LeaseRequest(BaseModel):
    """POST /v1/leases: either a number of cases to pick or the case_ids wanted."""

    count: int | None = Field(default=None, ge=1, le=MAX_LEASE_CASES)
    case_ids: list[str] | None = Field(default=None, max_length=MAX_LEASE_CASES)
    ttl_seconds: int = Field(ge=1, le=MAX_LEASE_TTL)
    queue: str | None = None


class LeaseGrant(BaseModel):
    """A lease the caller holds until expires_at (ISO 8601 UTC)."""

    case_id: str
    holder: str
    expires_at: str


class LeaseResponse(BaseModel):
    """Leases granted, and requested case_ids that were not (leased by someone else, or
    cut by the team's lease.max_cases: then limited_by names the rule)."""

    granted: list[LeaseGrant]
    refused: list[str]
    limited_by: str | None = None


class BlobStored(BaseModel):
    """The answer to PUT /v1/blobs/{sha256}; created: the caller had not uploaded these
    bytes before (whether anyone else had is not told)."""

    sha256: str
    size: int
    created: bool


class LeaseLimitsBody(BaseModel):
    """PUT /v1/teams/{team}/lease-limits: the caps to change (each optional; both are
    whole numbers: cases held per person, hours per lease)."""

    model_config = ConfigDict(extra="forbid")

    max_cases: Any = None
    max_hours: Any = None


class LeaseLimitsInfo(BaseModel):
    """A team's lease caps in force."""

    team: str
    max_cases: int
    max_hours: int
