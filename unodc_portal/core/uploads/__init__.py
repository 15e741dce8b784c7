"""Every uploaded file passes through here before anything parses it, so that no upload can
exhaust the server's memory, time or disk: the participant import and attachments. One module
per stage: ``limits``, ``request``, ``xlsx``, ``delimited`` (CSV), ``files`` and ``images``
(attachments).

Limits are settings (``UPLOAD_*`` in ``unodc_portal/settings.py``, which gives the reasons for the
defaults). A refusal raises ``UploadRefused`` whose message says which limit the file passes and
what the file has; the caller shows it on the form and stores nothing.

- **Request size.** ``LimitedUploadHandler`` (first in ``FILE_UPLOAD_HANDLERS``) stops keeping a
  file's bytes once it passes ``UPLOAD_MAX_BYTES``: the rest of the request is read and thrown
  away, and the form receives an empty placeholder whose ``size`` is the real size, so the usual
  "the file is 40.0 MB; the limit is 5 MB" message follows. Nothing over the limit is held in
  memory or written to a temporary file.
- **XLSX** (a zip of XML parts): the archive's end record and central directory are read first,
  without decompressing anything, and the number of parts, each part's uncompressed size, their
  total, and the compression ratio (of each part and overall) are capped. A zip bomb cannot get
  past these if its directory tells the truth. An attacker's directory may lie (declare 100 KB for
  a part that inflates to gigabytes, or point several parts at the same bytes), so each part is
  then inflated once, in 64 KiB steps, with the declared size as a hard budget: more output than
  declared, a stream that does not end within its declared compressed bytes, a wrong CRC, parts
  that overlap, an unknown compression method or encryption all refuse the file. Only then may a
  parser (openpyxl, whose zipfile reads the same directory) open it, and what it inflates is at
  most the capped total. The same pass reads every part (a parser finds parts by the content
  types, not by their names) as XML in UTF-8 and in UTF-16, the encodings expat reads untold (a
  part declaring another, such as EBCDIC, is refused): no part may declare a DTD (no Office part
  has one; it is the way to entity-expansion attacks, which expat also limits), and the workbook
  may hold at most ``UPLOAD_MAX_SHARED_STRINGS`` shared strings, which openpyxl keeps in memory
  all at once (a 25 MB part of short strings would otherwise cost it about 120 MB and 16 s),
  and ``UPLOAD_MAX_CELLS`` cells, which it parses all, even right of the columns it is asked
  for (a 5 MB file of 25 MB of cells: 19 s).
- **CSV**: rows, columns (not counting trailing empty cells), the length of each physical line
  and the lines one row may run over are capped while reading, so a file of one enormous line,
  or of millions of separators or of quoted line breaks, is refused before the csv module builds
  a huge row.
- **Attachments**: ``inspect_attachment(upload, kind=...)`` returns an ``InspectedFile`` (what to
  store, its type, size, thumbnail and a safe name to show) or refuses. The kind's byte limit
  (``ATTACHMENT_MAX_BYTES``) is checked first, from the size alone; the page raises the
  request's cap to the largest limit with ``allow_upload_bytes(request, attachment_max_bytes())``
  before it reads ``request.FILES``. The type comes from the content (puremagic, then each
  type's own check), never from the name: programs, web pages, SVG and other XML, scripts,
  archives, old Office files, plain text and anything unrecognised are refused, each with its
  own message; photos take JPEG, PNG and WebP, other kinds also PDF (a header and an ``%%EOF``),
  DOCX, XLSX, PPTX and ODT, ODS, ODP. Those are zips: the import's zip checks run (limits for
  documents, on a map of the temporary file, not a copy in memory), the format is read from
  ``[Content_Types].xml`` or ``mimetype``, and macros (``vbaProject.bin``, macro-enabled types,
  ODF ``Basic/``) refuse the file. Images: the pixel count from the header is capped
  (``ATTACHMENT_MAX_PIXELS``) before anything is decoded; a damaged image is refused; the first
  frame is re-encoded upright without EXIF, XMP or GPS, and one thumbnail is made
  (``ATTACHMENT_THUMBNAIL_PX``). The name shown is the last component of the user's path,
  printable, at most 120 characters, with the recognised extension; stored names are the
  caller's to generate.
"""

from unodc_portal.core.uploads.delimited import csv_rows
from unodc_portal.core.uploads.files import (
    InspectedFile,
    attachment_max_bytes,
    display_name,
    inspect_attachment,
)
from unodc_portal.core.uploads.limits import Limits, UploadRefused, number, size
from unodc_portal.core.uploads.request import (
    LimitedUploadHandler,
    OversizedUpload,
    allow_upload_bytes,
    read_bytes,
)
from unodc_portal.core.uploads.xlsx import inspect_zip

__all__ = [
    "InspectedFile",
    "LimitedUploadHandler",
    "Limits",
    "OversizedUpload",
    "UploadRefused",
    "allow_upload_bytes",
    "attachment_max_bytes",
    "csv_rows",
    "display_name",
    "inspect_attachment",
    "inspect_zip",
    "number",
    "read_bytes",
    "size",
]
