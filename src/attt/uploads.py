"""Uploaded documents (dossier parts, signed decisions, evidence): checked, hashed, stored once.

Every legal document the platform keeps is an attachment an auditor may later ask to verify, so
each file is stored under its SHA-256 (content-addressed: the same file uploaded twice is stored
once) and the hash is kept beside it. Type is checked by extension *and* by the file's first bytes,
so a renamed executable is refused even when the browser calls it a PDF.
"""

import codecs
import hashlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import gettext_lazy as _

# extension -> magic prefixes the content must start with (None: plain text, checked as UTF-8).
ALLOWED_TYPES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".txt": None,
    ".csv": None,
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".zip": "application/zip",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".csv": "text/csv",
}


def max_upload_bytes():
    return int(getattr(settings, "ATTT_MAX_UPLOAD_MB", 25)) * 1024 * 1024


class StoredFile(models.Model):
    """Fields every stored document carries; concrete models add what the file belongs to."""

    file = models.FileField(_("file"), max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)

    class Meta:
        abstract = True

    def file_fields(self):
        return {"original_name": self.original_name, "size": self.size, "sha256": self.sha256}


def check_and_store(upload) -> dict:
    """Validate an uploaded file and store it; return the StoredFile field values.

    Raises ValidationError with a message naming the problem (size, type, content).
    """
    if upload is None:
        raise ValidationError(_("Choose a file to upload."))
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("Files of type “%(ext)s” are not accepted. Accepted: %(allowed)s."),
            params={"ext": extension or "?", "allowed": ", ".join(sorted(ALLOWED_TYPES))})
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_("The file is larger than the %(limit)s MB limit."),
                              params={"limit": limit // (1024 * 1024)})
    if not upload.size:
        raise ValidationError(_("The file is empty."))
    digest = hashlib.sha256()
    head = b""
    upload.seek(0)
    for chunk in upload.chunks():
        if len(head) < 16:
            head += chunk[:16]
        digest.update(chunk)
    _check_content(extension, head, upload)
    sha = digest.hexdigest()
    path = f"attachments/{sha[:2]}/{sha}{extension}"
    if not default_storage.exists(path):
        upload.seek(0)
        default_storage.save(path, upload)
    return {"file": path, "original_name": name[:255], "size": upload.size,
            "content_type": CONTENT_TYPES[extension], "sha256": sha}


def _check_content(extension, head, upload):
    magics = ALLOWED_TYPES[extension]
    if magics is None:
        upload.seek(0)
        try:
            # Not final: a multi-byte character cut at the 1 MiB read boundary is still text.
            codecs.getincrementaldecoder("utf-8")().decode(upload.read(1024 * 1024), final=False)
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None
        return
    if not any(head.startswith(magic) for magic in magics):
        raise ValidationError(
            _("The file's content is not a %(ext)s document; it may be damaged or renamed."),
            params={"ext": extension})
