"""Writes the access-log entry of each answer that showed participants' personal data
(``accesslog.log.saw``), after the view and before the answer leaves; a streamed answer's
entry is written after its last chunk."""

from accesslog.log import write_pending


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming:
            response.streaming_content = self._then_write(response.streaming_content, request)
        else:
            write_pending(request)
        return response

    @staticmethod
    def _then_write(chunks, request):
        try:
            yield from chunks
        finally:
            write_pending(request)
