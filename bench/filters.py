"""Every policy preset's real pipeline on a 1080p frame, and the blur chain, against a copy.

Presets: each distinct pipeline the shipped policies give (every severity) runs on a
1920 x 1080 frame, the size it is shown at, against `img.copy()` of that frame, the two
interleaved round by round. The frame is astronaut.png (a full photo with one frontal
face) cropped to 16:9 and scaled to fill it. Face blur runs with the item's faces
remembered, as the viewer does after the first frame; finding them (once per item, on
a 640 px copy) and the stand-in painted before they are known are shown beside it.
Target: each preset at most 5x the copy.

Chain: blur radius 8, 24 and 48 px then grayscale costs at most 5x `img.copy()` of the
same 1080p frame and at most 3x at 4K, is at least 50x faster than Pillow's
GaussianBlur(radius) then grayscale, and stays >= 45 dB PSNR from the exact result.

The exact result is a float32 cv2.GaussianBlur with sigma = radius (Pillow's radius is
a standard deviation too), its kernel reaching 4 sigma, mirrored borders, then the same
RGB->gray weights, rounded once. Accuracy is scored on four sample photos scaled to the
frame size; a white-noise frame, the hardest case for any pyramid, is shown beside them.
The machine is shared and noisy: every candidate and its baseline run interleaved,
round by round, and medians are compared.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageFilter

from app.domain.policies import load_policies
from app.imaging import filters
from app.imaging.faces import detect_faces
from app.imaging.pipeline import FilterPipeline, resolve_pipeline
from app.log.paths import resources_dir
from bench._util import print_table, verdict

SAMPLES = ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg")
MEDIA = str(resources_dir() / "demo")  # the safe sample photos, bundled
RADII = (8, 24, 48)
SIZES = {"1080p": (1920, 1080), "4K": (3840, 2160)}
COPY_LIMIT = {"1080p": 5.0, "4K": 3.0}
NAN = float("nan")


def photo(name: str, size: tuple[int, int]) -> np.ndarray:
    """A sample photo scaled (bicubic) to size, RGB uint8."""
    with Image.open(f"{MEDIA}/{name}") as im:
        rgb = np.asarray(im.convert("RGB"))
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=cv2.INTER_CUBIC))


@dataclass(frozen=True)
class Chain:
    """The benchmarked chain: blur radius px then full grayscale, fused as pipelines run it."""

    radius: float

    def apply(self, img: np.ndarray) -> np.ndarray:
        """The filtered frame."""
        return filters.fast_blur(img, self.radius, gray=True)


def chain(radius: float) -> Chain:
    """The chain at this radius in pixels."""
    return Chain(radius)


def photo_filling(name: str, size: tuple[int, int]) -> np.ndarray:
    """A sample photo cropped to size's aspect and scaled (bicubic) to fill it, RGB."""
    with Image.open(f"{MEDIA}/{name}") as im:
        rgb = np.asarray(im.convert("RGB"))
    h, w = rgb.shape[:2]
    if w * size[1] >= h * size[0]:
        keep = round(h * size[0] / size[1])
        rgb = rgb[:, (w - keep) // 2 : (w - keep) // 2 + keep]
    else:
        keep = round(w * size[1] / size[0])
        rgb = rgb[(h - keep) // 2 : (h - keep) // 2 + keep]
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=cv2.INTER_CUBIC))


def presets() -> dict[FilterPipeline, str]:
    """Every distinct pipeline of the shipped policies -> where it first comes from."""
    found: dict[FilterPipeline, str] = {}
    for policy in load_policies(resources_dir() / "policies"):
        for severity in policy.severity_labels:
            pipeline = resolve_pipeline(policy.filters, severity, graphic=policy.graphic)
            found.setdefault(pipeline, f"{policy.id} {severity}")
    return found


def run_presets() -> list[str]:
    """Time each preset against a copy; print its table; return the verdict lines."""
    img = photo_filling("astronaut.png", SIZES["1080p"])
    faces = detect_faces(img)
    rows, verdicts = [], []
    for pipeline, where in presets().items():
        fns: dict[str, Callable[[], object]] = {
            "copy": img.copy,
            "preset": lambda p=pipeline: p.apply(img, faces),
        }
        if pipeline.uses("face_blur"):
            fns["stand-in"] = lambda p=pipeline: p.apply_provisional(img)
            fns["find faces"] = lambda: detect_faces(img)
        t = interleaved(fns, rounds=21)
        ratio = t["preset"] / t["copy"]
        rows.append(
            [where, pipeline.describe(), t["copy"] * 1e3, t["preset"] * 1e3, ratio]
            + [t.get("stand-in", NAN) * 1e3, t.get("find faces", NAN) * 1e3]
        )
        verdicts.append(verdict(f"{where} preset / copy", ratio, COPY_LIMIT["1080p"], at_most=True))
    header = ["policy sev", "pipeline", "copy ms", "preset ms", "x copy"]
    print_table([*header, "stand-in ms", "find faces ms (once per item)"], rows)
    if not faces:
        print("no face found in the frame: face blur timed on no faces")
    return verdicts


def exact(img: np.ndarray, radius: float) -> np.ndarray:
    """The reference blur + grayscale (see module docstring), as one gray plane."""
    blurred = cv2.GaussianBlur(
        img.astype(np.float32), (0, 0), radius, borderType=cv2.BORDER_REFLECT
    )
    return np.clip(np.rint(cv2.cvtColor(blurred, cv2.COLOR_RGB2GRAY)), 0, 255).astype(np.uint8)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255**2 / mse) if mse else float("inf")


def interleaved(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds of each fn, timed in alternation so load spikes hit all alike."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def pillow_chain(picture: Image.Image, radius: float) -> Image.Image:
    """The same job in Pillow, image in, RGB image out (conversions not timed)."""
    return picture.filter(ImageFilter.GaussianBlur(radius)).convert("L").convert("RGB")


def measure(label: str, size: tuple[int, int], radius: float) -> dict[str, float]:
    """Timings (s) and PSNRs (dB) of one frame size and radius."""
    img = photo("chelsea.png", size)
    pipeline = chain(radius)
    result = interleaved({"copy": img.copy, "chain": lambda: pipeline.apply(img)}, rounds=41)
    if label == "1080p":
        # Timed apart from the copy: Pillow's slow pass would evict the copy's cached frame.
        picture = Image.fromarray(img)
        versus = interleaved(
            {"chain": lambda: pipeline.apply(img), "pillow": lambda: pillow_chain(picture, radius)},
            rounds=7,
        )
        result["pillow/chain"] = versus["pillow"] / versus["chain"]
        result["pillow"] = versus["pillow"]
    result["psnr"] = min(_psnr_of(photo(name, size), radius) for name in SAMPLES)
    return result


def _warm_up(seconds: float = 2.0) -> None:
    # The first second of a fresh process runs slow (OpenCV's thread pool starting, the
    # heap growing to its working size); it would land on whichever row comes first.
    img = photo("chelsea.png", SIZES["4K"])
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for radius in RADII:
            chain(radius).apply(img)
            img.copy()


def _psnr_of(img: np.ndarray, radius: float) -> float:
    return psnr(chain(radius).apply(img)[..., 0], exact(img, radius))


def run() -> None:
    """Time every preset, then time and score the chain; print tables and verdict lines."""
    _warm_up()
    print("Every policy preset, 1080p frame at display size:")
    preset_verdicts = run_presets()
    print()
    print("Blur + grayscale chain:")
    rows, verdicts = [], []
    noise = np.random.default_rng(0).integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
    for label, size in SIZES.items():
        for radius in RADII:
            m = measure(label, size, radius)
            noise_db = _psnr_of(noise, radius) if label == "1080p" else float("nan")
            vs_copy = m["chain"] / m["copy"]
            rows.append(
                [label, radius, m["copy"] * 1e3, m["chain"] * 1e3, vs_copy]
                + [m.get("pillow", NAN) * 1e3, m.get("pillow/chain", NAN), m["psnr"], noise_db]
            )
            name = f"{label} r{radius}"
            verdicts.append(
                verdict(f"{name} chain / copy", vs_copy, COPY_LIMIT[label], at_most=True)
            )
            if "pillow/chain" in m:
                verdicts.append(
                    verdict(f"{name} Pillow / chain", m["pillow/chain"], 50, at_most=False)
                )
            verdicts.append(verdict(f"{name} PSNR dB (worst photo)", m["psnr"], 45, at_most=False))
    header = ["frame", "radius", "copy ms", "chain ms", "x copy", "Pillow ms", "Pillow/chain"]
    print_table([*header, "PSNR photos", "PSNR noise"], rows)
    for line in preset_verdicts + verdicts:
        print(line)
