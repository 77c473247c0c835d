from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Quần chúng và kết nạp"

    def ready(self) -> None:
        from organizations.signals import subtree_moved

        from .services import on_subtree_moved

        subtree_moved.connect(on_subtree_moved, dispatch_uid="candidates-path-copies")
