"""The pages where officers (events, seizures) and admins (also projects and articles) add,
change, replace and remove a record's files (``services.may_edit``).

- ``RecordFilesView``: the record's files (all, with their visibility) and the upload form.
  Several files at once: without JavaScript the form posts them together and the page says
  which were stored and which refused, and why; with ``static/js/attachments.js`` each file is
  sent as its own request (``Accept: application/json``), with its own details and a progress
  bar, and the answer is JSON: the new row of the list, or the refusal to show beside the file.
- ``FileEditView``, ``FileReplaceView``, ``FileRemoveView``: one file's details (English and
  Russian), a new file in its place, its removal (a confirmation page). Each carries the file's
  version; a save from an older one is refused and says who changed the file and when.

Access, as the officers' pages answer: anonymous → sign-in; signed in without the right to
change files → 403; a record (or file) the reader cannot see → 404; a record they see but may
not change files of (an officer on a project) → 403.

Before ``request.FILES`` is read, the request's byte cap is raised to the largest attachment
limit (``allow_upload_bytes``); an upload cut short (the connection dropped half-way) is
noticed by ``InterruptionFlag`` and refused like any other file: nothing is stored, and
Django's upload handlers have dropped their temporary file.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import (
    PermissionDenied,
    SuspiciousOperation,
    TooManyFilesSent,
    ValidationError,
)
from django.core.files.uploadhandler import FileUploadHandler
from django.http import Http404, JsonResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from attachments import services
from attachments.forms import AttachmentForm, ReplaceForm, UploadForm, VersionForm
from attachments.models import ADDRESS_KEYS, PARENT_MODELS, Attachment, files_url
from unodc_portal.core import uploads
from unodc_portal.core.uploads import UploadRefused
from unodc_portal.core.versioning import StaleVersion, kept_note, parse_version

# How each record is found from its address: model, looked-up field.
RECORDS = {field: (model, ADDRESS_KEYS[field]) for field, model in PARENT_MODELS.items()}
# Those who may change files on some record; ``services.may_edit`` then decides per record.
PERMISSION = "attachments.add_attachment"
# At most this many files in one request (the script sends one a request); Django's parser stops
# at the next one (DATA_UPLOAD_MAX_NUMBER_FILES), before writing it.
MAX_FILES = settings.DATA_UPLOAD_MAX_NUMBER_FILES


def allow_attachment_bytes(request) -> None:
    """Raise the request's byte cap to the largest attachment limit (the inspection module's
    ``allow_upload_bytes``), before anything reads ``request.FILES``."""
    uploads.allow_upload_bytes(request, uploads.attachment_max_bytes())


class InterruptionFlag(FileUploadHandler):
    """Notes on the request that the body ended in the middle of a file (Django's parser
    calls ``upload_interrupted`` and the temporary-file handler deletes its file)."""

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None

    def upload_interrupted(self):
        self.request.upload_was_interrupted = True


def read_upload(request):
    """``(request.POST, files, problem)``: the posted fields and files, or a message when the
    body could not be read whole."""
    allow_attachment_bytes(request)
    request.upload_handlers.insert(0, InterruptionFlag(request))
    interrupted = gettext(
        "The upload was interrupted before the whole file arrived. Nothing was stored: send "
        "the file again.")
    try:
        data, files = request.POST, request.FILES.getlist("files") or request.FILES.getlist("file")
    except (UnreadablePostError, MultiPartParserError, OSError):
        return QueryDict(), [], interrupted
    except TooManyFilesSent:
        drop_unclaimed_files(request)
        return QueryDict(), [], gettext("At most %(n)s files at a time.") % {"n": MAX_FILES}
    except SuspiciousOperation:  # too many fields or files, or fields too large
        return QueryDict(), [], gettext(
            "The form sent too much at once. Send fewer files at a time.")
    drop_unclaimed_files(request)
    if getattr(request, "upload_was_interrupted", False):
        for upload in files:
            upload.close()
        return data, [], interrupted
    return data, files, None


def drop_unclaimed_files(request) -> None:
    """Close (and so delete) a temporary file an upload handler wrote that no field holds: the
    first bytes of a file over the byte cap, which the capping handler answered in its
    place."""
    claimed = set()
    for name in request.FILES:
        for upload in request.FILES.getlist(name):
            claimed.update({id(upload), id(getattr(upload, "file", None))})
    for handler in request.upload_handlers:
        held = getattr(handler, "file", None)
        if held is not None and id(held) not in claimed and hasattr(held, "close"):
            held.close()


def parsed_then_csrf_checked(dispatch, view, request, *args, **kwargs):
    """The body read under the attachments' byte cap (``read_upload``, kept on ``view.upload``),
    then the CSRF check, then ``dispatch``. The view itself is CSRF-exempt only so that the
    middleware's check, which reads ``request.POST``, comes after the cap is raised (Django's
    documented way to change upload handlers); the check itself is the same."""
    if request.method == "POST":
        view.upload = read_upload(request)
    return csrf_protect(dispatch)(request, *args, **kwargs)


def record_for(request, record: str, key):
    """The record named by the address, if the reader may see it and change its files."""
    user = request.user
    model, field = RECORDS[record]
    if not user.has_perm(PERMISSION) or (record in ("project", "article") and not user.is_staff):
        raise PermissionDenied
    found = get_object_or_404(model._default_manager.visible_to(user), **{field: key})
    if not services.may_edit(user, found):
        raise PermissionDenied
    return found


def title_from(name: str) -> str:
    """A file's name as a title: its last path component without the extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    return (stem.strip() or base.strip() or gettext("Untitled file"))[:200]


@method_decorator(csrf_exempt, name="dispatch")
class RecordFilesView(LoginRequiredMixin, View):
    template_name = "attachments/record_files.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.record = record_for(request, kwargs["record"], kwargs["key"])
        self.record_field = kwargs["record"]
        return parsed_then_csrf_checked(super().dispatch, self, request, *args, **kwargs)

    def wants_json(self) -> bool:
        return "application/json" in self.request.headers.get("Accept", "")

    def rows(self):
        return (Attachment.objects.visible_to(self.request.user)
                .filter(**{self.record_field: self.record}))

    def render_page(self, form, stored=(), refused=(), status=200):
        return render(self.request, self.template_name, {
            "record": self.record, "record_field": self.record_field, "form": form,
            "attachments": self.rows(), "stored": stored, "refused": refused,
            "files_url": files_url(self.record),
        }, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_page(UploadForm(record_field=self.record_field))

    def post(self, request, *args, **kwargs):
        data, files, problem = self.upload
        form = UploadForm(data, record_field=self.record_field)
        if problem is None and not files:
            problem = gettext("Choose at least one file.")
        elif problem is None and len(files) > MAX_FILES:
            problem = gettext("At most %(n)s files at a time.") % {"n": MAX_FILES}
        if problem is not None:
            form.is_valid()
            form.add_error("files", problem)
            return self.answer(form, [], [], status=400)
        if not form.is_valid():
            return self.answer(form, [], [], status=400)
        stored, refused = [], []
        typed_title = form.cleaned_data["title"].strip()
        for upload in files:
            name = title_from(upload.name or "")
            try:
                attachment = services.add(
                    self.record, upload, user=request.user,
                    title_en=typed_title or name, **form.values())
            except UploadRefused as exc:
                refused.append((upload.name, services.refusal_message(exc)))
            except ValidationError as exc:
                # Details that no file can satisfy: beside their fields, once.
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        target = field if field in form.fields else None
                        for message in errors:
                            if message not in form.errors.get(target or "__all__", []):
                                form.add_error(target, message)
                refused.append((upload.name, services.refusal_message(exc)))
            else:
                stored.append(attachment)
            finally:
                upload.close()
        status = 200 if stored else 400
        if stored and not refused and not self.wants_json():
            messages.success(request, gettext("Stored: %(titles)s.") % {
                "titles": ", ".join(a.title for a in stored)})
            return redirect(files_url(self.record))
        return self.answer(form, stored, refused, status=status)

    def answer(self, form, stored, refused, status):
        if not self.wants_json():
            # Each refusal beside the file input; what was stored above the form.
            for name, message in refused:
                form.add_error("files", f"{name}: {message}")
            return self.render_page(form, stored, refused)  # the form again, as every page does
        return JsonResponse({
            "stored": [{
                "id": a.pk, "title": a.title,
                "row": render_to_string("attachments/file_row.html",
                                        {"attachment": a}, request=self.request),
            } for a in stored],
            "refused": [{"name": name, "message": message} for name, message in refused],
            "errors": {field: [str(m) for m in errors] for field, errors in form.errors.items()},
        }, status=status)


# ---------------------------------------------------------------------------------------------
# One file
# ---------------------------------------------------------------------------------------------
class FileMixin(LoginRequiredMixin):
    """The file named by the address, for those who may change its record's files."""

    parses_uploads = False  # a file in the body: read it under the attachments' cap

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        self.attachment = get_object_or_404(
            Attachment.objects.visible_to(request.user)
            .select_related("event", "seizure", "project", "article"), pk=kwargs["pk"])
        if not self.attachment.readable_by(request.user):
            raise Http404
        if not services.may_edit(request.user, self.attachment.record):
            raise PermissionDenied
        if self.parses_uploads:
            return parsed_then_csrf_checked(super().dispatch, self, request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def context(self, **values):
        return {"attachment": self.attachment, "record": self.attachment.record,
                "files_url": files_url(self.attachment.record), **values}

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect(files_url(self.attachment.record))


class FileEditView(FileMixin, View):
    template_name = "attachments/file_edit.html"

    def get(self, request, pk):
        form = AttachmentForm(instance=self.attachment)
        return render(request, self.template_name, self.context(form=form))

    def post(self, request, pk):
        form = AttachmentForm(request.POST, instance=self.attachment)
        if form.is_valid():
            try:
                services.change(form.instance, user=request.user,
                                expected_version=form.cleaned_data["record_version"],
                                **form.values())
            except StaleVersion as exc:
                form.carry_version(exc.current)
                kept = form.reconcile(form.cleaned_data["record_version"])
                form.add_error(None, exc.message + kept_note(form, kept))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return self.done(gettext("Saved: %(title)s.") % {"title": form.instance.title})
        return render(request, self.template_name, self.context(form=form))


def missing_version() -> str:
    return gettext(
        "Not saved: this form did not say which version of the file it was based on (the page "
        "may be incomplete). Nothing was changed: check the file, then try again.")


@method_decorator(csrf_exempt, name="dispatch")
class FileReplaceView(FileMixin, View):
    template_name = "attachments/file_replace.html"
    parses_uploads = True

    def get(self, request, pk):
        form = ReplaceForm(initial={"record_version": self.attachment.version})
        return render(request, self.template_name, self.context(form=form))

    def post(self, request, pk):
        data, files, problem = self.upload
        form = ReplaceForm(data, {"file": files[0]} if files else {})
        if problem is not None:
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", problem)
        elif form.is_valid():
            if parse_version(form.cleaned_data["record_version"]) is None:
                form.add_error(None, missing_version())
            else:
                upload = form.cleaned_data["file"]
                try:
                    services.replace(self.attachment, upload,
                                     user=request.user,
                                     expected_version=parse_version(
                                         form.cleaned_data["record_version"]))
                except UploadRefused as exc:
                    form.add_error("file", services.refusal_message(exc))
                except StaleVersion as exc:
                    form.add_error(None, exc.message_not_kept)
                except ValidationError as exc:
                    form.add_error("file", services.refusal_message(exc))
                else:
                    return self.done(gettext("Replaced the file of %(title)s.")
                                     % {"title": self.attachment.title})
                finally:
                    upload.close()
        self.attachment.refresh_from_db()
        form.data = form.data.copy()
        form.data["record_version"] = str(self.attachment.version)
        return render(request, self.template_name, self.context(form=form))


class FileRemoveView(FileMixin, View):
    template_name = "attachments/file_remove.html"

    def get(self, request, pk):
        form = VersionForm(initial={"record_version": self.attachment.version})
        return render(request, self.template_name, self.context(form=form))

    def post(self, request, pk):
        expected = parse_version(request.POST.get("record_version"))
        if expected is None:
            problem = missing_version()
        else:
            try:
                services.remove(self.attachment, user=request.user, expected_version=expected)
            except StaleVersion as exc:
                problem = exc.message_not_kept
            else:
                return self.done(gettext("Removed: %(title)s.") % {"title": self.attachment.title})
        self.attachment.refresh_from_db()
        form = VersionForm(initial={"record_version": self.attachment.version})
        return render(request, self.template_name, self.context(form=form, problem=problem))
