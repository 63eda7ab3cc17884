"""A stored file served as a download, the one way pages and the API hand out attachments: never shown inline,
never sniffed, never run."""
from urllib.parse import quote

from flask import Response, abort, stream_with_context
from flask_babel import gettext as _

from app.services.attachments import attachment_reads
from models import AttachmentVersion


def download_response(found: AttachmentVersion) -> Response:
    """The file as a download: its recognised type (text as text/plain), `attachment` disposition with its name, no
    sniffing, and a policy that runs nothing should a browser ever render it."""
    try:
        handle = attachment_reads.open_file(found)
    except (FileNotFoundError, ValueError):
        abort(404, description=_("The file of this version is missing from the attachment storage."))

    def chunks():
        with handle:
            while chunk := handle.read(64 * 1024):
                yield chunk
    ascii_name = found.file_name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    response = Response(stream_with_context(chunks()), mimetype=found.content_type.split(";")[0].strip(),
                        direct_passthrough=True)
    if found.content_type.startswith("text/"):
        response.headers["Content-Type"] = found.content_type
    response.headers["Content-Length"] = str(found.size)
    response.headers["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                               f"filename*=UTF-8''{quote(found.file_name)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["ETag"] = f'"{found.sha256}"'
    return response
