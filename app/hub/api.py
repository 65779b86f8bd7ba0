"""The /v1 routes: thin handlers that check input and call the hub's modules."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from app.hub import blobs, ingest, intake, leases, pull, receipts, settings, throttle
from app.hub.access import Principal
from app.hub.accounts import (
    create_user,
    disable_user,
    find_user,
    issue_token,
    principal_of,
    set_password,
)
from app.hub.context import Caller, Context, iso_ms
from app.hub.errors import HubError
from app.hub.login_policy import client_address
from app.hub.schemas import (
    MAX_PULL_LIMIT,
    BlobStored,
    IntakeRequest,
    IntakeResponse,
    LeaseLimitsBody,
    LeaseLimitsInfo,
    LeaseRequest,
    LeaseResponse,
    LoginRequest,
    LoginResponse,
    NewUser,
    PasswordChange,
    PullResponse,
    PushRequest,
    PushResponse,
    UserInfo,
)
from db.hub.engine import write_transaction

router = APIRouter(prefix="/v1")


@router.post("/auth/login")
def login(ctx: Context, request: Request, body: LoginRequest) -> LoginResponse:
    """Exchange a username and password for a bearer token; 401 when refused, 429 (with
    Retry-After) while the account or the client address is locked out."""
    peer = request.client.host if request.client else None
    address = client_address(peer, request.headers.get("x-forwarded-for"), ctx.login)
    now = ctx.now_ms()
    user = throttle.sign_in(ctx.engine, ctx.login, body.username, body.password, address, now)
    with write_transaction(ctx.engine) as conn:
        expires = ctx.now_ms() + int(ctx.token_ttl * 1000)
        token = issue_token(conn, user.username, expires)
    return LoginResponse(token=token, expires_at=iso_ms(expires), user=_info(principal_of(user)))


@router.post("/events/push")
def push_events(ctx: Context, user: Caller, body: PushRequest) -> PushResponse:
    """Store a device's batch (resends are acknowledged again) and acknowledge it."""
    ack = ingest.push(ctx.engine, user, body.device_id, body.events, ctx.now_ms())
    ctx.crash_point("after_commit_before_reply")
    receipt = receipts.hub_receipt(body.device_id, ack, user.username, ctx.now_ms())
    return PushResponse(acked=ack.acked, last_device_seq=ack.last_device_seq, receipt=receipt)


@router.get("/receipts/{device_id}")
def device_receipt(ctx: Context, user: Caller, device_id: str) -> dict[str, Any]:
    """The hub's signed receipt of a device's current chain head (its owner, or a lead of
    the owner's team)."""
    return receipts.head_receipt(ctx.engine, user, device_id, ctx.now_ms())


@router.get("/events/pull", response_model=PullResponse)
def pull_events(
    ctx: Context,
    user: Caller,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 500,
) -> Response:
    """Events after cursor that the caller may see, and the cursor for the next pull."""
    events, next_cursor = pull.pull(ctx.engine, user, cursor, limit)
    # Serialized here: FastAPI's generic encoder is several times slower on large pages.
    body = json.dumps({"events": events, "cursor": next_cursor}, ensure_ascii=False)
    return Response(body.encode("utf-8"), media_type="application/json")


@router.put("/blobs/{sha256}")
async def put_blob(ctx: Context, user: Caller, sha256: str, request: Request) -> BlobStored:
    """Store a media blob under its SHA-256 (the body must hash to it); idempotent. Role,
    name and declared length are checked before the body is read; the stream is capped."""
    blobs.check_upload(user, sha256, _declared_length(request))
    data = await blobs.read_capped(request.stream())
    created = await run_in_threadpool(blobs.put_blob, ctx.engine, user, sha256, data, ctx.now_ms())
    return BlobStored(sha256=sha256, size=len(data), created=created)


@router.get("/blobs/{sha256}", response_class=Response)
def get_blob(ctx: Context, user: Caller, sha256: str) -> Response:
    """A blob's bytes, if the caller may see a case that references it (404 otherwise)."""
    data = blobs.get_blob(ctx.engine, user, sha256)
    return Response(data, media_type="application/octet-stream")


@router.post("/leases")
def lease_cases(ctx: Context, user: Caller, body: LeaseRequest) -> LeaseResponse:
    """Lease some cases (count) or named cases (case_ids) for ttl_seconds."""
    return leases.lease(ctx.engine, user, body, ctx.now_ms())


@router.delete("/leases/{case_id}")
def release_case(ctx: Context, user: Caller, case_id: str) -> dict[str, bool]:
    """Give a lease back."""
    return {"released": leases.release(ctx.engine, user, case_id)}


@router.post("/intake")
def intake_cases(ctx: Context, user: Caller, body: IntakeRequest) -> IntakeResponse:
    """Bring new cases in as case.ingested events (analysts and leads)."""
    return intake.intake(ctx.engine, user, body.cases, ctx.now_ms())


@router.post("/me/password")
def change_own_password(
    ctx: Context, request: Request, user: Caller, body: PasswordChange
) -> LoginResponse:
    """The caller changes their own password, proving the current one under the sign-in
    limits (a wrong one counts as a failed sign-in: 403, and 429 once locked out); every
    token of theirs is revoked and this session gets a new one."""
    peer = request.client.host if request.client else None
    address = client_address(peer, request.headers.get("x-forwarded-for"), ctx.login)
    now = ctx.now_ms()
    try:
        throttle.sign_in(ctx.engine, ctx.login, user.username, body.current, address, now)
    except HubError as exc:
        if exc.status != 401:
            raise
        # 403, not 401: the token is good, the current password is what was wrong.
        raise HubError(403, "the current password is not right") from None
    with write_transaction(ctx.engine) as conn:
        set_password(conn, user.username, body.new)
        expires = ctx.now_ms() + int(ctx.token_ttl * 1000)
        token = issue_token(conn, user.username, expires)
        row = find_user(conn, user.username)
    if row is None:  # removed between the two transactions: nothing to sign in to
        raise HubError(404, f"no user {user.username!r}")
    return LoginResponse(token=token, expires_at=iso_ms(expires), user=_info(principal_of(row)))


@router.post("/users", status_code=201)
def add_user(ctx: Context, user: Caller, body: NewUser) -> UserInfo:
    """Create a user in the lead's team with clearances the lead holds."""
    if not user.is_lead:
        raise HubError(403, "only a lead may add users")
    if body.team != user.team or not set(body.clearances) <= user.clearances:
        raise HubError(403, "a lead adds users to their own team and clearances only")
    with write_transaction(ctx.engine) as conn:
        create_user(
            conn, body.username, body.role, body.team, body.clearances, body.password, ctx.now_ms()
        )
    return UserInfo(
        username=body.username,
        role=body.role,
        team=body.team,
        clearances=sorted(set(body.clearances)),
    )


@router.post("/users/{username}/disable")
def disable(ctx: Context, user: Caller, username: str) -> dict[str, bool]:
    """Disable a user of the lead's team and revoke their tokens."""
    if not user.is_lead:
        raise HubError(403, "only a lead may disable users")
    if username == user.username:
        raise HubError(422, "a lead cannot disable themselves")
    with write_transaction(ctx.engine) as conn:
        target = find_user(conn, username)
        if target is None or target.team != user.team:
            raise HubError(404, f"no user {username!r} in your team")
        disable_user(conn, username)
    return {"disabled": True}


@router.get("/teams/{team}/lease-limits")
def get_lease_limits(ctx: Context, user: Caller, team: str) -> LeaseLimitsInfo:
    """The lease caps of the caller's team (any member may read them)."""
    limits = settings.read_lease_limits(ctx.engine, user, team)
    return LeaseLimitsInfo(team=team, max_cases=limits.max_cases, max_hours=limits.max_hours)


@router.put("/teams/{team}/lease-limits")
def put_lease_limits(
    ctx: Context, user: Caller, team: str, body: LeaseLimitsBody
) -> LeaseLimitsInfo:
    """A lead sets their team's lease caps (written as a team.setting event)."""
    changes = body.model_dump(exclude_none=True)
    limits = settings.set_lease_limits(ctx.engine, user, team, changes, ctx.now_ms())
    return LeaseLimitsInfo(team=team, max_cases=limits.max_cases, max_hours=limits.max_hours)


@router.post("/users/{username}/unlock")
def unlock(ctx: Context, user: Caller, username: str) -> dict[str, bool]:
    """A lead lifts a sign-in lockout of a user of their team (login.unlocked)."""
    if not user.is_lead:
        raise HubError(403, "only a lead may unlock users")
    done = throttle.unlock(ctx.engine, username, ctx.now_ms(), by=user.username, team=user.team)
    return {"unlocked": done}


def _info(principal: Principal) -> UserInfo:
    return UserInfo(
        username=principal.username,
        role=principal.role,
        team=principal.team,
        clearances=sorted(principal.clearances),
    )


def _declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        raise HubError(400, "Content-Length is not a number") from None
