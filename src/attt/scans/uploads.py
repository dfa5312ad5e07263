"""Report uploads go straight to a temporary file on disk, whatever their size, and stop at the limit.

Django keeps uploads under FILE_UPLOAD_MAX_MEMORY_SIZE in memory; scanner reports can be
gigabytes, so the import page always streams them to disk and refuses a body past
ATTT_SCAN_MAX_BYTES while it is still arriving, instead of after it has been written.
"""

from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler

from .services import max_report_bytes


class ReportUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_report_bytes():
            self.request.scan_upload_too_large = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)
