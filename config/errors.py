class ApplicationError(Exception):
    """The one error a service raises: its message is Vietnamese and safe to show on a page.

    `errors` may carry per-field or per-row messages (e.g. {"name": ["..."]} or {3: ["..."]}).
    """

    def __init__(self, message: str, *, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
