"""gunicorn's logger with client addresses removed: its error log writes "Invalid request from
ip=..." and its access log could be given %(h)s; neither may keep an address."""

from gunicorn.glogging import Logger

from haven.lib.logs import ScrubClientDataFilter


class ScrubbingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(known, ScrubClientDataFilter) for known in log.filters):
                log.addFilter(ScrubClientDataFilter())
