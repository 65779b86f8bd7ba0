"""The PDF summary of an investigation: parameters, clusters with their verdicts, and a
few filtered thumbnails of each cluster's media (never the raw pictures), via Qt's PDF
writer. Thumbnails are prepared beforehand (`cluster_thumbnails`, off the UI thread)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

from app.imaging.pipeline import DEFAULT_PIPELINE
from app.imaging.prep import MediaUnavailable, prepare_media
from app.network.engine import Network
from app.network.timeline import VERDICT_WORDS
from db.blobs import BlobStore
from widgets.media.qimage import qimage_from_rgb

DPI = 96
MARGIN = 36.0
THUMB = 96
TOP = 20  # clusters in the summary
PER_CLUSTER = 4  # thumbnails per cluster


def cluster_thumbnails(network: Network, blobs: BlobStore) -> dict[str, list[np.ndarray]]:
    """Cluster id -> up to PER_CLUSTER filtered thumbnails of its accounts' media held here."""
    posts = network.posts
    found: dict[str, list[np.ndarray]] = {}
    for cluster in network.clusters[:TOP]:
        members = {posts.accounts.index(a) for a in cluster.accounts}
        refs = list(
            dict.fromkeys(
                posts.media_refs[n]
                for n in range(len(posts))
                if posts.media_refs and posts.media_refs[n] and int(posts.account[n]) in members
            )
        )
        pictures: list[np.ndarray] = []
        for ref in refs:
            if len(pictures) >= PER_CLUSTER or ref is None or not blobs.has(ref):
                continue
            try:
                pictures.append(prepare_media(blobs, ref, DEFAULT_PIPELINE, THUMB).filtered)
            except MediaUnavailable:
                continue
        found[cluster.cluster_id] = pictures
    return found


def write_summary(
    network: Network,
    investigation: str,
    verdicts: dict[str, str],
    thumbnails: dict[str, list[np.ndarray]],
    path: Path,
) -> None:
    """Write the summary PDF at path."""
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setTitle(f"Veil network summary {investigation}")
    writer.setCreator("Veil")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN, MARGIN, MARGIN, MARGIN),
            QPageLayout.Unit.Point,
        )
    )
    painter = QPainter(writer)
    page = writer.pageLayout().paintRectPixels(DPI)
    width, height, y = float(page.width()), float(page.height()), 0.0

    def line(text: str, size: float = 9.0, bold: bool = False) -> None:
        nonlocal y
        font = QFont("Helvetica")
        font.setPointSizeF(size)
        font.setBold(bold)
        painter.setFont(font)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        box = painter.boundingRect(QRectF(0, 0, width, 1000), flags, text)
        if y + box.height() > height:
            writer.newPage()
            y = 0.0
        painter.drawText(QRectF(0, y, width, box.height()), flags, text)
        y += box.height() + 4

    try:
        line(f"Coordinated networks: {investigation}", 15, bold=True)
        line(
            f"{len(network.posts):,} posts, {len(network.posts.accounts):,} accounts, "
            f"{len(network.graph):,} edges kept, {len(network.clusters)} clusters"
        )
        line(f"Parameters: {network.params.to_json()}", 7.5)
        for cluster in network.clusters[:TOP]:
            kinds = ", ".join(f"{k} {n}" for k, n in cluster.by_kind.items() if n)
            verdict = VERDICT_WORDS.get(verdicts.get(cluster.cluster_id, ""), "no verdict")
            line(f"#{cluster.rank} {cluster.cluster_id}: {verdict}", 11, bold=True)
            line(
                f"{cluster.size} accounts, score {cluster.score:,.0f}, {kinds}. "
                f"Accounts: {' '.join(cluster.accounts[:30])}"
                + (" …" if cluster.size > 30 else ""),
                8,
            )
            pictures = thumbnails.get(cluster.cluster_id, [])
            if pictures:
                if y + THUMB > height:
                    writer.newPage()
                    y = 0.0
                for n, rgb in enumerate(pictures):
                    # Only filtered frames reach the page.
                    painter.drawImage(
                        QRectF(n * (THUMB + 8), y, THUMB, THUMB), qimage_from_rgb(rgb)
                    )
                y += THUMB + 8
    finally:
        painter.end()
