"""The one-page brief for stakeholders: what the incident is, its severity and who must be
told, the figures, the latest status update, and thumbnails of up to eight linked items,
filtered only: each is decoded small and put through the pipeline its policy requires
(blur and grayscale at least; app/imaging/pipeline.py), and no unfiltered pixel is
written to the file. Items whose media this workstation has not fetched are counted, not
shown.
"""

from __future__ import annotations

from sqlalchemy import select

from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.imaging.decode import decode_for_display
from app.imaging.media import MediaError
from app.imaging.pipeline import resolve_pipeline
from app.incidents import room
from app.incidents.figures import duration, impact
from app.incidents.models import IncidentCase, IncidentEntry
from app.incidents.pdf import Thumb, render
from app.incidents.report import ExportError
from app.incidents.severity import SeveritySet, bundled_severities
from app.log.clock import iso
from app.log.store import LocalStore
from db.models import Case, MediaItem

THUMBS = 8
THUMB_SIDE = 256


def brief_pdf(
    store: LocalStore,
    reviewer: Reviewer,
    incident_id: str,
    policies: PolicySet,
    severities: SeveritySet | None = None,
) -> bytes:
    """The brief as a one-page PDF (longer only if the status update is long)."""
    levels = severities or bundled_severities()
    with store.read() as session:
        state = room.state(session, reviewer, incident_id, levels)
        if state is None:
            raise ExportError(f"incident: no incident {incident_id} you may see")
        fig = impact(session, incident_id)
        update = session.scalars(
            select(IncidentEntry)
            .where(
                IncidentEntry.incident_id == incident_id,
                IncidentEntry.kind == "incident.status_update",
            )
            .order_by(IncidentEntry.at.desc())
            .limit(1)
        ).first()
        items = session.execute(
            select(MediaItem.sha256, MediaItem.kind, Case.category, Case.severity)
            .join(IncidentCase, IncidentCase.case_id == MediaItem.case_id)
            .join(Case, Case.case_id == MediaItem.case_id)
            .where(IncidentCase.incident_id == incident_id, MediaItem.kind == "image")
            .order_by(IncidentCase.linked_at, MediaItem.case_id, MediaItem.position)
        ).all()
    level, c = state.level, state.counters
    lines = [
        f"# Brief: {state.title}",
        f"{level.name} ({state.status}) - {state.category} - "
        f"regions {', '.join(state.regions) or 'none named'} - as of {iso(store.clock.now())}",
        level.meaning,
        f"Who must be told: {', '.join(level.notify)}. Commander: {state.commander}.",
        "",
        "# Figures",
        f"Matched {c.matched}; decided {c.decided}; open {c.open}; latest hour {c.last_hour}.",
        f"Reach proxy (report counts): {fig.reach}. "
        f"Time to first action: {duration(fig.first_action_seconds)}. "
        f"Time to containment: {duration(fig.containment_seconds)}.",
        "",
        "# Latest status update",
    ]
    if update is None:
        lines.append("none yet")
    else:
        lines.append(f"{update.at} by {update.actor}")
        lines += (update.corrected_text or update.text).splitlines()
    thumbs: list[Thumb] = []
    missing, seen = 0, set()
    for sha256, _kind, category, severity in items:
        if len(thumbs) >= THUMBS or sha256 in seen:
            continue
        seen.add(sha256)
        path = store.blobs.path_of(sha256)
        if not path.is_file():
            missing += 1
            continue
        try:
            frame = decode_for_display(path, THUMB_SIDE).frames[0]
        except MediaError:
            missing += 1
            continue
        if category in policies:
            policy = policies[category]
            pipeline = resolve_pipeline(policy.filters, severity, graphic=policy.graphic)
        else:
            pipeline = resolve_pipeline(None, severity)
        thumbs.append(_jpeg(pipeline.apply(frame)))
    lines += ["", "# Items (filtered)"]
    lines.append(
        f"{len(thumbs)} thumbnail(s), blurred and in grayscale"
        + (f"; {missing} item(s) not on this workstation" if missing else "")
    )
    return render(lines, f"Brief: {state.title}", thumbs)


def _jpeg(rgb: object) -> Thumb:
    import cv2
    import numpy as np

    picture = np.ascontiguousarray(rgb)
    ok, data = cv2.imencode(".jpg", picture[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise MediaError("the thumbnail could not be encoded")
    height, width = picture.shape[:2]
    return Thumb(data.tobytes(), width, height)
