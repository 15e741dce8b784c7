"""Writes the access-log entry of each answer that showed participants' personal data
(``accesslog.log.saw``), after the view and before the answer leaves; a streamed answer's
entry is written after its last chunk (the rows it noted while streaming are in it), or when
it is closed before that (the reader went away: what was noted so far is written)."""

from accesslog.log import write_pending


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A file's answer (FileResponse) was made whole by the view: written now, and the file
        # is left for the server to send as it is (wsgi.file_wrapper). (The portal runs under
        # WSGI: an asynchronous stream is not waited for either.)
        if (response.streaming and getattr(response, "file_to_stream", None) is None
                and not response.is_async):
            response.streaming_content = ThenWrite(response.streaming_content, request)
        else:
            write_pending(request)
        return response


class ThenWrite:
    """A streamed answer's chunks, then its access-log entry: after the last chunk, or when the
    answer is closed first (Django closes the answer when the server is done with it, also
    when the reader went away before the end or before the first chunk)."""

    def __init__(self, chunks, request):
        self.chunks = iter(chunks)
        self.request = request
        self.written = False

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self.chunks)
        except StopIteration:
            self.close()
            raise

    def close(self):
        if self.written:
            return
        self.written = True
        try:
            close = getattr(self.chunks, "close", None)
            if close is not None:
                close()
        finally:
            write_pending(self.request)
