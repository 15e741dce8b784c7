#!/usr/bin/env python
"""Attachment inspection benchmark: the time ``inspect_attachment`` takes for a 20 MB file of
each kind a person uploads, and the memory it needs.

    .venv/bin/python benchmarks/attachment_inspect.py [--runs 5] [--mb 20]

The files (built here, about ``--mb`` MB each, as Django holds an upload of that size: a
``TemporaryUploadedFile`` on disk):

- ``jpeg``: a 48-megapixel photo (8000 x 6000, about 18 MB whatever ``--mb``) of detailed
  content, at a camera's quality: decoded, turned upright, re-encoded at quality 85 and a 480 px
  thumbnail made;
- ``png``: a photo saved as PNG (noise: the costliest to compress again);
- ``pdf``: a PDF header, 20 MB of stream and ``%%EOF``: the type, the header and the end marker;
- ``docx``: a Word document holding 20 MB of photos (stored) and its XML: the zip checks (every
  part inflated against its declared size, on a map of the temporary file) and the parts.

Each is inspected ``--runs`` times; the median time is printed in a table with the peak memory:
the growth of the process's resident high-water mark (VmHWM, reset before each run; Pillow's
pixel buffers are not Python objects, so tracemalloc alone would miss them) and tracemalloc's
peak of Python allocations (the largest run of each). Each file is measured in a process of its
own.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

from bench_server import high_water_mark, reset_high_water_mark, setup_django

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def photo(fmt: str, target: int) -> bytes:
    from PIL import Image

    size = (8000, 6000)
    if fmt == "PNG":  # noise does not compress: the side that makes ``target`` bytes
        side = int((target / 3) ** 0.5)
        size = (side * 4 // 3, side * 3 // 4)
    bands = [Image.effect_noise(size, 60 + 10 * i) for i in range(3)]
    image = Image.merge("RGB", bands)
    if fmt == "JPEG":  # a camera's detail: noise blurred a little, at a camera's quality
        from PIL import ImageFilter

        image = image.filter(ImageFilter.GaussianBlur(1.0))  # about 18 MB at 48 MP
    out = io.BytesIO()
    options = {"quality": 90} if fmt == "JPEG" else {"compress_level": 1}
    image.save(out, fmt, **options)
    return out.getvalue()


def pdf(target: int) -> bytes:
    head = b"%PDF-1.7\n1 0 obj << /Length " + str(target).encode() + b" >>\nstream\n"
    return head + os.urandom(target) + b"\nendstream\nendobj\ntrailer << >>\n%%EOF\n"


def docx(target: int) -> bytes:
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    types = (f'<Types><Override PartName="/word/document.xml" ContentType="{main}"/></Types>')
    body = "".join(f"<w:p><w:r><w:t>Paragraph {i} of the workshop report.</w:t></w:r></w:p>"
                   for i in range(20_000))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("word/document.xml", f"<w:document><w:body>{body}</w:body></w:document>")
        for i in range(10):
            archive.writestr(f"word/media/image{i}.jpeg", os.urandom(target // 10),
                             compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def on_disk(data: bytes, name: str):
    from django.core.files.uploadedfile import TemporaryUploadedFile

    upload = TemporaryUploadedFile(name, "application/octet-stream", len(data), None)
    upload.write(data)
    upload.seek(0)
    return upload


CASES = {  # label: (kind, name, builder)
    "jpeg": ("photo", "IMG_0001.jpg", lambda target: photo("JPEG", target)),
    "png": ("photo", "scan.png", lambda target: photo("PNG", target)),
    "pdf": ("report", "report.pdf", pdf),
    "docx": ("report", "report.docx", docx),
}
HEADER = (f"{'file':<6}{'size':>10}{'result':>22}{'median s':>10}{'min s':>8}"
          f"{'RSS peak +MB':>14}{'Python peak MB':>16}")


def measure(label: str, runs: int, target: int) -> str:
    """One file's row of the table, measured in this process."""
    from unodc_portal.core.uploads import inspect_attachment

    kind, name, build = CASES[label]
    data = build(target)
    pid = os.getpid()
    times, growth, traced = [], [], []
    result = ""
    for _ in range(runs):
        upload = on_disk(data, name)
        reset_high_water_mark(pid)
        before = high_water_mark(pid)
        tracemalloc.start()
        started = time.perf_counter()
        found = inspect_attachment(upload, kind=kind)
        times.append(time.perf_counter() - started)
        traced.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        growth.append(high_water_mark(pid) - before)
        result = (f"{found.extension} {found.width}x{found.height}" if found.is_image
                  else found.extension)
        found.content.close()
        upload.close()
    return (f"{label:<6}{len(data) / MB:>8.1f}MB{result:>22}{statistics.median(times):>10.2f}"
            f"{min(times):>8.2f}{max(growth) / MB:>14.0f}{max(traced) / MB:>16.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=int, default=20)
    parser.add_argument("--case", choices=CASES, help="measure one file (in a process of its "
                        "own, so that one file's memory does not hide the next's)")
    args = parser.parse_args()
    if args.case:
        setup_django()
        print(measure(args.case, args.runs, args.mb * MB), flush=True)
        return
    print(HEADER, flush=True)
    for label in CASES:
        subprocess.run([sys.executable, __file__, "--case", label, "--runs", str(args.runs),
                        "--mb", str(args.mb)], check=True)


if __name__ == "__main__":
    main()
