"""The Celery application of coordinator and workers, and the broker check at start."""

from __future__ import annotations

from urllib.parse import urlsplit

from briefe.fehler import BriefeFehler

WARTESCHLANGE = "briefe"
IN_ARBEIT = "IN_ARBEIT"  # task state while a worker makes a chunk's letters (meta: fertig)
# Seconds after which a chunk taken by a worker that vanished goes to another worker.
UEBERNAHME = 300.0


def anwendung(broker: str, uebernahme: float = UEBERNAHME):
    """A Celery app for ``broker`` (the broker also keeps the results)."""
    from celery import Celery

    app = Celery("briefe", broker=broker, backend=broker, set_as_current=False)
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_default_queue=WARTESCHLANGE, task_track_started=False, result_expires=24 * 3600,
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        worker_send_task_events=False, task_send_sent_event=False,
        broker_transport_options={
            "visibility_timeout": uebernahme, "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        },
        result_backend_transport_options={"retry_policy": {"timeout": 5.0}},
        redis_socket_connect_timeout=5, redis_socket_timeout=30,
        broker_connection_timeout=5,
    )
    return app


def ohne_kennwort(url: str) -> str:
    """The URL as it may appear in messages and logs."""
    teile = urlsplit(url)
    if teile.password:
        netz = f"{teile.username or ''}:***@{teile.hostname}" + (f":{teile.port}" if teile.port else "")
        teile = teile._replace(netloc=netz)
    return teile.geturl()


def pruefe_broker(broker: str, wartezeit: float = 3.0) -> None:
    """Raise a German ``BriefeFehler`` when the broker cannot be reached within ``wartezeit``."""
    try:
        import celery  # noqa: F401
    except ModuleNotFoundError:
        raise BriefeFehler("Für verteilte Läufe fehlt Celery. Installieren mit: "
                           "pip install 'briefe[verteilt]'") from None
    app = anwendung(broker)
    try:
        with app.connection_for_write() as verbindung:
            verbindung.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                         timeout=wartezeit)
            verbindung.default_channel  # noqa: B018 - opens the channel (authenticates)
    except Exception as fehler:  # noqa: BLE001 - kombu raises many kinds; all mean "not reachable"
        raise BriefeFehler(
            f"Der Broker {ohne_kennwort(broker)} ist nicht erreichbar ({type(fehler).__name__}). "
            "Läuft redis-server, stimmen Rechnername, Port und Kennwort?"
        ) from None
