"""``python -m course worker --queue URL``: grade notebooks sent by ``course grade --queue URL`` (see
:mod:`course.grade.queue`; Celery is imported only when this verb runs)."""


def register(subparsers) -> None:
    from .grade.queue import register_worker

    register_worker(subparsers)
